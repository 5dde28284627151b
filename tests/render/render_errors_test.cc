// Bad input fails before any output is written, naming the field.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/files.h"
#include "render/renderer.h"
#include "render_fixtures.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

using testing::OneSceneWithBackground;

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

// An asset directory beside a file outside it, reached in every way a manifest
// or a symlink could try.
class AssetErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(root_.File("assets/sub"));
    std::filesystem::create_directories(root_.File("outside"));
    testing::MakeMedia(root_.File("outside/secret.png"), testing::ColorSource("#FF0000", 16, 9));
    testing::MakeMedia(root_.File("assets/sub/ok.png"), testing::ColorSource("#00FF00", 16, 9));
  }

  RenderSettings Settings() const { return testing::SmallSettingsWithAssets(root_.File("assets")); }

  void Write(const std::string& name, const std::string& bytes) const {
    std::ofstream(root_.File("assets/" + name), std::ios::binary) << bytes;
  }

  testing::TempDir root_;
};

TEST_F(AssetErrors, EveryEscapeIsRefused) {
  namespace fs = std::filesystem;
  fs::create_symlink(root_.File("outside/secret.png"), root_.File("assets/abs-link.png"));
  fs::create_symlink("../outside/secret.png", root_.File("assets/rel-link.png"));
  fs::create_symlink("../outside", root_.File("assets/dir-link"));
  fs::create_symlink("sub/ok.png", root_.File("assets/in-link.png"));
  const std::vector<std::string> escapes = {"abs-link.png",
                                            "rel-link.png",
                                            "dir-link/secret.png",
                                            "../outside/secret.png",
                                            "sub/../../outside/secret.png",
                                            root_.File("outside/secret.png"),
                                            "sub"};
  for (const std::string& asset : escapes) {
    SCOPED_TRACE(asset);
    Error e = RenderError(OneSceneWithBackground(asset), Settings());
    EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
    EXPECT_EQ(e.field, "scenes[0].background.asset");
  }
  // A symlink that stays inside is a file like any other.
  testing::TempDir out;
  auto r = RenderVideo(OneSceneWithBackground("in-link.png"), Settings(), out.File("in.mp4"));
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
  // Without an asset directory nothing can be named.
  RenderSettings none = Settings();
  none.asset_dir.clear();
  EXPECT_EQ(RenderError(OneSceneWithBackground("sub/ok.png"), none).field,
            "scenes[0].background.asset");
}

TEST_F(AssetErrors, MissingOrCorruptAssetsNameTheField) {
  const std::string png = ReadFile(root_.File("assets/sub/ok.png")).value_or("");
  ASSERT_FALSE(png.empty());
  Write("garbage.png", std::string(4096, '\x5a'));
  Write("truncated.png", png.substr(0, png.size() / 2));
  Write("garbage.mp4", std::string(4096, '\x17'));
  Write("garbage.wav", "RIFF....WAVEfmt nonsense");
  struct Case {
    Manifest m;
    std::string field;
  };
  Manifest logo = testing::OneSceneManifest({});
  logo.scenes[0].layers.emplace_back();
  logo.scenes[0].layers[0].kind = Layer::Kind::kLogo;
  logo.scenes[0].layers[0].logo.asset = "missing.webp";
  Manifest music = testing::OneSceneManifest({});
  music.audio.music = Music{.asset = "garbage.wav"};
  const Case cases[] = {{OneSceneWithBackground("missing.png"), "scenes[0].background.asset"},
                        {OneSceneWithBackground("garbage.png"), "scenes[0].background.asset"},
                        {OneSceneWithBackground("truncated.png"), "scenes[0].background.asset"},
                        {OneSceneWithBackground("garbage.mp4", Background::Kind::kVideo),
                         "scenes[0].background.asset"},
                        {logo, "scenes[0].layers[0].asset"},
                        {music, "audio.music.asset"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field);
    Error e = RenderError(c.m, Settings());
    EXPECT_EQ(e.code, ErrorCode::kInvalidInput) << e.ToString();
    EXPECT_EQ(e.field, c.field) << e.ToString();
  }
}

// The asset limits are settings (render.max_asset_mb, render.max_image_megapixels).
TEST_F(AssetErrors, AssetsPastTheLimitsAreRefused) {
  Write("big.mp4", std::string((1 << 20) + 1, '\0'));
  testing::MakeMedia(root_.File("assets/wide.png"), testing::ColorSource("#0000FF", 1200, 1000));
  RenderSettings small = Settings();
  small.max_asset_mb = 1;
  small.max_image_megapixels = 1;
  Error e = RenderError(OneSceneWithBackground("big.mp4", Background::Kind::kVideo), small);
  EXPECT_EQ(e.field, "scenes[0].background.asset");
  EXPECT_NE(e.message.find("larger than 1 MB (render.max_asset_mb)"), std::string::npos)
      << e.message;
  e = RenderError(OneSceneWithBackground("wide.png"), small);
  EXPECT_EQ(e.field, "scenes[0].background.asset");
  EXPECT_NE(e.message.find("1200x1000; at most 1 megapixels"), std::string::npos) << e.message;
  // Within the defaults both are fine as far as size goes.
  testing::TempDir out;
  auto r = RenderVideo(OneSceneWithBackground("wide.png"), Settings(), out.File("wide.mp4"));
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
}

TEST(RenderErrors, NoScenes) {
  Manifest m = testing::OneSceneManifest({});
  m.scenes.clear();
  EXPECT_EQ(RenderError(m).field, "scenes");
}

}  // namespace
}  // namespace aiprod
