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

TEST(RenderErrors, NoScenes) {
  Manifest m = testing::OneSceneManifest({});
  m.scenes.clear();
  EXPECT_EQ(RenderError(m).field, "scenes");
}

}  // namespace
}  // namespace aiprod
