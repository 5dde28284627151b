// Pictures, clips and music from the job's asset directory: rendered, then
// decoded and checked where they must show (and be heard).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "qa/probe.h"
#include "render/renderer.h"
#include "render_fixtures.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

using testing::ColorSource;
using testing::ExpectNear;
using testing::Hex;
using testing::MakeMedia;

// Colour levels a lossy picture (JPEG, lossy WebP) may move on top of x264's.
constexpr int kLossyTolerance = 14;

// A job's asset directory and the output of its renders, side by side.
class RenderAssets : public ::testing::Test {
 protected:
  std::string Asset(const std::string& name) const { return dir_.File("assets/" + name); }

  RenderSettings Settings() const { return testing::SmallSettingsWithAssets(dir_.File("assets")); }

  // Renders `m`; the frame on screen at `t_s`.
  RgbImage RenderAndDecodeAt(const Manifest& m, double t_s) const {
    return testing::RenderFrameAt(m, Settings(), t_s);
  }

  void SetUp() override { std::filesystem::create_directories(dir_.File("assets")); }

  testing::TempDir dir_;
};

// Left half red, right half blue, 16:9 like the canvas.
std::vector<std::string> RedBlue() {
  std::vector<std::string> a = ColorSource("#FF0000", 32, 36);
  for (const std::string& s : ColorSource("#0000FF", 32, 36)) a.push_back(s);
  for (const char* s : {"-filter_complex", "[0][1]hstack,format=rgb24"}) a.emplace_back(s);
  return a;
}

TEST_F(RenderAssets, ImageBackgroundsInEveryFormat) {
  struct Format {
    const char* name;
    std::vector<std::string> codec;
    int tolerance;
  };
  const Format formats[] = {
      {"bg.png", {}, testing::kTolerance},
      {"bg.jpg", {"-c:v", "mjpeg", "-q:v", "2", "-pix_fmt", "yuvj444p"}, kLossyTolerance},
      {"bg.webp", {"-c:v", "libwebp", "-quality", "95"}, kLossyTolerance}};
  for (const Format& f : formats) {
    SCOPED_TRACE(f.name);
    std::vector<std::string> args = RedBlue();
    args.insert(args.end(), f.codec.begin(), f.codec.end());
    MakeMedia(Asset(f.name), args);
    RgbImage frame = RenderAndDecodeAt(testing::OneSceneWithBackground(f.name), 0.5);
    ASSERT_EQ(frame.width, 320);
    ExpectNear(PixelAt(frame, 60, 90), Hex("#FF0000"), f.tolerance);
    ExpectNear(PixelAt(frame, 260, 90), Hex("#0000FF"), f.tolerance);
  }
}

TEST_F(RenderAssets, ImageLayerFitsCropsOrFillsItsBox) {
  MakeMedia(Asset("wide.png"), ColorSource("#00C853", 40, 20));  // 2:1
  auto frame_with = [&](ImageFit fit) {
    Layer l;
    l.kind = Layer::Kind::kImage;
    l.image.asset = "wide.png";
    l.image.box = {100, 100, 200, 200};  // output (50, 50) to (150, 150)
    l.image.fit = fit;
    return RenderAndDecodeAt(testing::OneSceneManifest({l}), 0.5);
  };
  const Color green = Hex("#00C853"), background = Hex("#202020");
  RgbImage fit = frame_with(ImageFit::kFit);  // 200x100, centred: rows 75..125
  ExpectNear(PixelAt(fit, 100, 100), green);
  ExpectNear(PixelAt(fit, 55, 100), green);
  ExpectNear(PixelAt(fit, 100, 60), background);
  ExpectNear(PixelAt(fit, 100, 140), background);
  for (ImageFit covering : {ImageFit::kCrop, ImageFit::kFill}) {
    RgbImage f = frame_with(covering);
    ExpectNear(PixelAt(f, 100, 60), green);
    ExpectNear(PixelAt(f, 100, 140), green);
    ExpectNear(PixelAt(f, 45, 100), background);  // nothing outside the box
    ExpectNear(PixelAt(f, 155, 100), background);
  }
}

TEST_F(RenderAssets, LogoSitsInItsCorner) {
  MakeMedia(Asset("logo.png"), ColorSource("#FFEB3B", 40, 20));
  Layer l;
  l.kind = Layer::Kind::kLogo;
  l.logo.asset = "logo.png";
  l.logo.corner = LogoLayer::Corner::kBottomLeft;
  // Default size and margin: 36 canvas px high (10%), 18 px from the edges (5%):
  // output x 9..45, y 144..171.
  RgbImage f = RenderAndDecodeAt(testing::OneSceneManifest({l}), 0.5);
  ExpectNear(PixelAt(f, 25, 160), Hex("#FFEB3B"));
  ExpectNear(PixelAt(f, 4, 160), Hex("#202020"));
  ExpectNear(PixelAt(f, 25, 176), Hex("#202020"));
  ExpectNear(PixelAt(f, 295, 18), Hex("#202020"));  // not in the other corners
  ExpectNear(PixelAt(f, 25, 18), Hex("#202020"));
}

// A 2 s clip, red for its first second and blue for its second, behind a
// 3 s scene: looped, the scene shows red again at 2.5 s; not looped, the
// clip's last frame stays.
TEST_F(RenderAssets, VideoClipBackgroundFollowsTheClipClock) {
  std::vector<std::string> args = ColorSource("#FF0000", 64, 36, 1.0);
  for (const std::string& s : ColorSource("#0000FF", 64, 36, 1.0)) args.push_back(s);
  for (const char* s : {"-filter_complex", "[0][1]concat=n=2:v=1:a=0", "-c:v", "libx264", "-preset",
                        "ultrafast", "-pix_fmt", "yuv420p"}) {
    args.emplace_back(s);
  }
  MakeMedia(Asset("clip.mp4"), args);
  const Color red = Hex("#FF0000"), blue = Hex("#0000FF");
  for (bool loop : {true, false}) {
    SCOPED_TRACE(loop ? "looped" : "held");
    Manifest m = testing::OneSceneWithBackground("clip.mp4", Background::Kind::kVideo);
    m.scenes[0].duration_s = 3;
    m.scenes[0].background.loop = loop;
    const std::string out = dir_.File(loop ? "looped.mp4" : "held.mp4");
    auto r = RenderVideo(m, Settings(), out);
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    auto at = [&](double t) {
      auto f = DecodeFrameAt(out, t);
      EXPECT_TRUE(f.has_value());
      return f ? PixelAt(*f, 160, 90) : Rgb{};
    };
    ExpectNear(at(0.5), red, kLossyTolerance);
    ExpectNear(at(1.5), blue, kLossyTolerance);
    ExpectNear(at(2.5), loop ? red : blue, kLossyTolerance);
  }
  // Starting half way into the clip shifts everything by 0.5 s.
  Manifest m = testing::OneSceneWithBackground("clip.mp4", Background::Kind::kVideo);
  m.scenes[0].duration_s = 2;
  m.scenes[0].background.clip_start_s = 0.5;
  ExpectNear(PixelAt(RenderAndDecodeAt(m, 0.7), 160, 90), blue, kLossyTolerance);
}

// The amplitude of `hz` in the left channel between a and b seconds (a
// single-bin DFT: speech, made at espeak-ng's 22.05 kHz, has nothing at 12 kHz).
double ToneAmplitude(const DecodedAudio& a, double hz, double from_s, double to_s) {
  const auto b = static_cast<size_t>(from_s * a.sample_rate);
  const auto e = static_cast<size_t>(to_s * a.sample_rate);
  double re = 0, im = 0;
  for (size_t n = b; n < e; ++n) {
    const double phase = 2 * std::numbers::pi * hz * static_cast<double>(n) / a.sample_rate;
    const double x = a.interleaved[n * a.channels];
    re += x * std::cos(phase);
    im += x * std::sin(phase);
  }
  return 2 * std::hypot(re, im) / static_cast<double>(e - b);
}

TEST_F(RenderAssets, MusicIsDuckedUnderNarration) {
  MakeMedia(Asset("music.wav"),
            {"-f", "lavfi", "-i", "sine=frequency=12000:sample_rate=48000:duration=5"});
  Manifest m = testing::OneSceneManifest({});
  m.scenes[0].duration_s = 5;
  m.scenes[0].narration = Narration{"One two three.", 2.0};
  m.audio.music = Music{.asset = "music.wav",
                        .volume_db = -6,
                        .duck_db = -12,
                        .fade_in_s = 0,
                        .fade_out_s = 0,
                        .loop = false};
  const std::string out = dir_.File("music.mp4");
  auto r = RenderVideo(m, Settings(), out);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  ASSERT_EQ(r->cues.size(), 1u);
  auto audio = DecodeAudio(out);
  ASSERT_TRUE(audio.has_value()) << audio.error().ToString();
  // The ducking ramps down from 0.25 s before the speech and back up after it.
  const double before = ToneAmplitude(*audio, 12000, 0.5, 1.5);
  const double under = ToneAmplitude(*audio, 12000, 2.0, std::min(2.5, r->cues[0].end_s));
  const double after = ToneAmplitude(*audio, 12000, r->cues[0].end_s + 0.8, 4.9);
  // lavfi's sine has amplitude 1/8; -6 dB on top.
  EXPECT_NEAR(20 * std::log10(before), 20 * std::log10(0.125) - 6, 1.0);
  EXPECT_NEAR(20 * std::log10(under / before), -12, 1.5);
  EXPECT_NEAR(20 * std::log10(after / before), 0, 1.0);
}

}  // namespace
}  // namespace aiprod
