// Bad input fails before any output is written, naming the field.
#include <gtest/gtest.h>

#include <filesystem>

#include "render/renderer.h"
#include "render_fixtures.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

Error RenderError(const Manifest& m, const RenderSettings& s = testing::SmallSettings()) {
  testing::TempDir dir;
  auto r = RenderVideo(m, s, dir.File("out.mp4"));
  EXPECT_FALSE(r.has_value());
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  return r ? Error{} : r.error();
}

TEST(RenderErrors, UnknownFontNamesTheField) {
  Layer l = testing::TextLayerAt("Hi", 40, 200);
  l.text.font = "No Such Font Family Bold";
  Error e = RenderError(testing::OneSceneManifest({l}));
  EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
  EXPECT_EQ(e.field, "scenes[0].layers[0].font");
  EXPECT_NE(e.message.find("'No Such Font Family Bold' is not installed"), std::string::npos)
      << e.message;
}

TEST(RenderErrors, TextThatCannotFitNamesTheScene) {
  Manifest m = testing::ThreeSceneManifest();
  Layer l;
  l.text.text = "A sentence far too long for the tiny box it was given to live in";
  l.text.size_px = 40;
  l.text.box = Box{100, 100, 120, 30};
  m.scenes[1].layers.insert(m.scenes[1].layers.begin(), l);
  Error e = RenderError(m);
  EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
  EXPECT_EQ(e.field, "scenes[1].layers[0].text");
  EXPECT_NE(e.message.find("does not fit its box even at 20 px"), std::string::npos) << e.message;
}

TEST(RenderErrors, TextThatFitsWhenShrunkRenders) {
  testing::TempDir dir;
  Layer l;
  l.text.text = "Two words";
  l.text.size_px = 60;
  l.text.box = Box{100, 100, 240, 50};  // too small at 60 px; fits once shrunk
  auto r = RenderVideo(testing::OneSceneManifest({l}), testing::SmallSettings(), dir.File("o.mp4"));
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
}

TEST(RenderErrors, ImpossibleResolutions) {
  Manifest m = testing::OneSceneManifest({});
  for (auto [w, h, field] : {std::tuple{321, 180, "settings.width"},
                             {320, 181, "settings.height"},
                             {8194, 180, "settings.width"},
                             {8, 180, "settings.width"}}) {
    RenderSettings s = testing::SmallSettings();
    s.width = w;
    s.height = h;
    Error e = RenderError(m, s);
    EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
    EXPECT_EQ(e.field, field);
  }
}

TEST(RenderErrors, TransitionLongerThanTheScene) {
  Manifest m = testing::ThreeSceneManifest();
  m.scenes[2].transition = {Transition::Kind::kCrossfade, 1.5};
  Error e = RenderError(m);
  EXPECT_EQ(e.field, "scenes[2].transition.duration_s");
}

TEST(RenderErrors, NarrationOutsideItsScene) {
  Manifest m = testing::ThreeSceneManifest();
  m.scenes[0].narration->start_s = 1.5;
  Error e = RenderError(m);
  EXPECT_EQ(e.field, "scenes[0].narration.start_s");
}

TEST(RenderErrors, UnknownVoice) {
  Manifest m = testing::ThreeSceneManifest();
  m.voice = "xx-nonexistent";
  Error e = RenderError(m);
  EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
  EXPECT_EQ(e.field, "voice");
}

// Without burned-in captions the sound is mixed beside the frames: an
// error only synthesis finds stops the frames and is the one reported;
// nothing but complete cache entries is left. With burned-in captions the
// sound is mixed first, so the cache stays empty.
TEST(RenderErrors, UnknownVoiceFoundBesideTheFramesLeavesNoOutput) {
  for (bool burn_in : {false, true}) {
    SCOPED_TRACE(burn_in ? "burned-in captions" : "no burned-in captions");
    testing::TempDir dir;
    Manifest m = testing::ThreeSceneManifest();
    m.voice = "xx-nonexistent";
    m.captions.burn_in = burn_in;
    RenderSettings s = testing::SmallSettings();
    s.cache_dir = dir.File("cache");
    auto r = RenderVideo(m, s, dir.File("out/video.mp4"));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().field, "voice");
    EXPECT_FALSE(std::filesystem::exists(dir.File("out/video.mp4")));
    size_t temporaries = 0, entries = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir.path())) {
      if (!e.is_regular_file()) continue;
      const std::string name = e.path().filename().string();
      temporaries += name.find(".tmp") != std::string::npos ? 1 : 0;
      entries += e.path().extension() == ".mp4" ? 1 : 0;
    }
    EXPECT_EQ(temporaries, 0u);
    if (burn_in) {
      EXPECT_EQ(entries, 0u);
      EXPECT_FALSE(std::filesystem::exists(dir.File("cache")));
    } else {
      EXPECT_TRUE(std::filesystem::is_empty(dir.File("cache/.work")));
    }
  }
}

TEST(RenderErrors, NoScenes) {
  Manifest m = testing::OneSceneManifest({});
  m.scenes.clear();
  EXPECT_EQ(RenderError(m).field, "scenes");
}

}  // namespace
}  // namespace aiprod
