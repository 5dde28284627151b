#include "render_fixtures.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "render/renderer.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

// LeakSanitizer: fontconfig keeps its configuration and font caches for the
// life of the process (Pango's font map holds them), which LSan reports as
// leaks at exit.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }

namespace aiprod::testing {

Color Hex(const std::string& hex) { return *ParseColor(hex, "test"); }

void ExpectNear(Rgb got, Color want, int tol) {
  EXPECT_NEAR(got.r, want.r, tol) << "red";
  EXPECT_NEAR(got.g, want.g, tol) << "green";
  EXPECT_NEAR(got.b, want.b, tol) << "blue";
}

RenderSettings SmallSettings() {
  RenderSettings s;
  s.width = 320;
  s.height = 180;
  s.x264_preset = "ultrafast";
  s.threads = 2;
  return s;
}

RenderSettings SmallSettingsWithAssets(const std::string& asset_dir) {
  RenderSettings s = SmallSettings();
  s.asset_dir = asset_dir;
  return s;
}

RgbImage RenderFrameAt(const Manifest& m, const RenderSettings& s, double t_s) {
  TempDir dir;
  auto r = RenderVideo(m, s, dir.File("frame.mp4"));
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
  if (!r) return {};
  auto f = DecodeFrameAt(dir.File("frame.mp4"), t_s);
  EXPECT_TRUE(f.has_value()) << f.error().ToString();
  return f.value_or(RgbImage{});
}

void MakeMedia(const std::string& path, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/ffmpeg", "-hide_banner", "-loglevel",
                                   "error",           "-nostdin",     "-y"};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".png" || ext == ".jpg" || ext == ".webp") {
    for (const char* a : {"-frames:v", "1"}) argv.emplace_back(a);
  }
  argv.push_back(path);
  ProcessResult r = RunProcess(argv);
  ASSERT_EQ(r.exit_code, 0) << "making " << path << ": " << r.err;
}

std::vector<std::string> ColorSource(const std::string& hex, int w, int h, double seconds) {
  std::string src =
      "color=c=0x" + hex.substr(1) + ":s=" + std::to_string(w) + "x" + std::to_string(h) + ":r=30";
  if (seconds > 0) src += ":d=" + std::to_string(seconds);
  return {"-f", "lavfi", "-i", src};
}

Layer TextLayerAt(const std::string& text, double size_px, double baseline_y) {
  Layer l;
  l.kind = Layer::Kind::kText;
  l.text.text = text;
  l.text.font = "DejaVu Sans Bold";
  l.text.size_px = size_px;
  l.text.baseline_y = baseline_y;
  return l;
}

Manifest ThreeSceneManifest() {
  Manifest m;
  m.title = "test";
  m.lang = "en";
  m.canvas = {640, 360, 30};

  Scene s0;
  s0.id = "s0";
  s0.duration_s = 1.0;
  s0.background.kind = Background::Kind::kLinear;
  s0.background.direction = Background::Direction::kToBottom;
  s0.background.from = Hex("#4E342E");
  s0.background.to = Hex("#A1887F");
  s0.layers.push_back(TextLayerAt("Hello", 64, 200));
  s0.narration = Narration{"Hello world", 0.2};

  Scene s1;
  s1.id = "s1";
  s1.duration_s = 1.0;
  s1.background.color = Hex("#0D47A1");
  s1.transition = {Transition::Kind::kCrossfade, 0.4};
  Layer box;
  box.kind = Layer::Kind::kRect;
  box.rect.box = {0, 240, 80, 80};
  box.rect.color = Hex("#FFB300");
  box.animations.push_back({Animation::Property::kX, 0, 560, 0, std::nullopt, Easing::kLinear});
  s1.layers.push_back(box);

  Scene s2;
  s2.id = "s2";
  s2.duration_s = 1.0;
  s2.background.kind = Background::Kind::kLinear;
  s2.background.direction = Background::Direction::kToRight;
  s2.background.from = Hex("#1B5E20");
  s2.background.to = Hex("#43A047");

  m.scenes = {s0, s1, s2};
  return m;
}

Manifest Ref10Manifest() {
  struct Spec {
    const char* title;
    const char* subtitle;
    Background bg;
    const char* box;
  };
  Background bg0, bg1, bg2;
  bg0.kind = bg2.kind = Background::Kind::kLinear;
  bg0.from = Hex("#4E342E"), bg0.to = Hex("#A1887F");
  bg1.color = Hex("#0D47A1");
  bg2.direction = Background::Direction::kToRight;
  bg2.from = Hex("#1B5E20"), bg2.to = Hex("#43A047");
  const Spec specs[] = {
      {"Fresh roast, every morning", "Single-origin beans, roasted in small batches", bg0,
       "#FFB300"},
      {"Brewed in 90 seconds", "Hot, smooth and ready before your train", bg1, "#FF5252"},
      {"Order today", "Free delivery on your first bag", bg2, "#FFEB3B"}};
  Manifest m;
  m.title = "ref10";
  m.canvas = {1920, 1080, 30};
  m.audio.normalize = false;
  m.audio.tone = Tone{440, 0.1};
  for (size_t i = 0; i < 3; ++i) {
    Scene s;
    s.id = "scene" + std::to_string(i);
    s.duration_s = 110 / 30.0;
    s.background = specs[i].bg;
    if (i > 0) s.transition = {Transition::Kind::kCrossfade, 0.5};
    Layer title = TextLayerAt(specs[i].title, 96, 575);
    Layer subtitle = TextLayerAt(specs[i].subtitle, 48, 658);
    subtitle.text.font = "DejaVu Sans";
    subtitle.text.role = TextRole::kSubtitle;
    Layer box;
    box.kind = Layer::Kind::kRect;
    box.rect.box = {100, 760, 200, 200};
    box.rect.color = Hex(specs[i].box);
    box.animations.push_back(
        {Animation::Property::kX, 100, 1620, 0, std::nullopt, Easing::kLinear});
    s.layers = {title, subtitle, box};
    m.scenes.push_back(s);
  }
  return m;
}

Manifest OneSceneManifest(std::vector<Layer> layers) {
  Manifest m;
  m.canvas = {640, 360, 30};
  Scene s;
  s.id = "only";
  s.duration_s = 1.0;
  s.background.color = Hex("#202020");
  s.layers = std::move(layers);
  m.scenes = {s};
  m.audio.normalize = false;
  return m;
}

Manifest OneSceneWithBackground(const std::string& asset, Background::Kind kind) {
  Manifest m = OneSceneManifest({});
  m.scenes[0].background.kind = kind;
  m.scenes[0].background.asset = asset;
  return m;
}

}  // namespace aiprod::testing
