// End to end: render small manifests, then decode the output and check it.
#include <ebur128.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "qa/probe.h"
#include "render/renderer.h"
#include "render_fixtures.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

using testing::ExpectNear;
using testing::Hex;

Color Lerp(Color a, Color b, double t) {
  auto ch = [&](uint8_t x, uint8_t y) {
    return static_cast<uint8_t>(std::lround(x + (y - x) * t));
  };
  return {ch(a.r, b.r), ch(a.g, b.g), ch(a.b, b.b), 255};
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The three-scene manifest rendered once for the whole suite.
class ThreeScenes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<testing::TempDir>();
    path_ = dir_->File("three.mp4");
    auto r = RenderVideo(testing::ThreeSceneManifest(), testing::SmallSettings(), path_);
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    result_ = *r;
    auto p = ProbeMedia(path_, {.rms_window_s = 0.01});
    ASSERT_TRUE(p.has_value()) << p.error().ToString();
    probe_ = *p;
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static RgbImage Frame(int n) {
    auto img = DecodeFrameAt(path_, n / 30.0);
    EXPECT_TRUE(img.has_value()) << img.error().ToString();
    return img.value_or(RgbImage{});
  }

  static inline std::unique_ptr<testing::TempDir> dir_;
  static inline std::string path_;
  static inline RenderedVideo result_;
  static inline MediaProbe probe_;
};

TEST_F(ThreeScenes, ResultDescribesTheVideo) {
  EXPECT_EQ(result_.video_path, path_);
  EXPECT_EQ(result_.frames, 78);
  EXPECT_DOUBLE_EQ(result_.duration_s, 2.6);
  EXPECT_EQ(result_.width, 320);
  EXPECT_EQ(result_.height, 180);
  ASSERT_EQ(result_.cues.size(), 1u);
  EXPECT_EQ(result_.cues[0].scene, 0u);
  EXPECT_DOUBLE_EQ(result_.cues[0].start_s, 0.2);
  EXPECT_GT(result_.cues[0].end_s, 0.6);
  EXPECT_LT(result_.cues[0].end_s, 2.0);
  EXPECT_EQ(result_.cues[0].text, "Hello world");
  EXPECT_GT(result_.wall_s, 0);
  EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp"));
}

TEST_F(ThreeScenes, VideoStreamIsH264HighBt709) {
  EXPECT_TRUE(probe_.format.find("mp4") != std::string::npos) << probe_.format;
  EXPECT_TRUE(probe_.faststart);
  ASSERT_TRUE(probe_.video);
  const VideoProbe& v = *probe_.video;
  EXPECT_EQ(v.codec, "h264");
  EXPECT_EQ(v.profile, "High");
  EXPECT_EQ(v.width, 320);
  EXPECT_EQ(v.height, 180);
  EXPECT_EQ(v.pix_fmt, "yuv420p");
  EXPECT_DOUBLE_EQ(v.avg_frame_rate, 30.0);
  EXPECT_EQ(v.frames, 78);
  EXPECT_NEAR(v.duration_s, 2.6, 1e-6);
  EXPECT_EQ(v.color_range, "tv");
  EXPECT_EQ(v.color_primaries, "bt709");
  EXPECT_EQ(v.color_trc, "bt709");
  EXPECT_EQ(v.color_space, "bt709");
}

TEST_F(ThreeScenes, AudioStreamIsAacLcStereo48k) {
  ASSERT_TRUE(probe_.audio);
  const AudioProbe& a = *probe_.audio;
  EXPECT_EQ(a.codec, "aac");
  EXPECT_EQ(a.profile, "LC");
  EXPECT_EQ(a.sample_rate, 48000);
  EXPECT_EQ(a.channels, 2);
  EXPECT_NEAR(a.duration_s, 2.6, 0.03);
}

TEST_F(ThreeScenes, NarrationIsAudibleOnlyWhereNarrated) {
  const AudioProbe& a = *probe_.audio;
  EXPECT_GT(a.RmsDbfsBetween(0.3, 0.6), -35);
  EXPECT_LT(a.RmsDbfsBetween(0.0, 0.15), -60);  // before the cue
  EXPECT_LT(a.RmsDbfsBetween(1.8, 2.55), -60);  // scene 2 has no narration
}

TEST_F(ThreeScenes, NarrationStartsWhereTheManifestPutsIt) {
  auto audio = DecodeAudio(path_);
  ASSERT_TRUE(audio.has_value()) << audio.error().ToString();
  size_t onset = 0;
  while (onset < audio->interleaved.size() && std::abs(audio->interleaved[onset]) < 0.01f) ++onset;
  double onset_s = static_cast<double>(onset / audio->channels) / audio->sample_rate;
  EXPECT_NEAR(onset_s, 0.2, 0.04);
}

TEST_F(ThreeScenes, LoudnessIsNormalisedWithinOneLu) {
  auto audio = DecodeAudio(path_);
  ASSERT_TRUE(audio.has_value());
  ebur128_state* st = ebur128_init(2, 48000, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
  ebur128_add_frames_float(st, audio->interleaved.data(), audio->interleaved.size() / 2);
  double lufs = 0, peak_l = 0, peak_r = 0;
  ebur128_loudness_global(st, &lufs);
  ebur128_true_peak(st, 0, &peak_l);
  ebur128_true_peak(st, 1, &peak_r);
  ebur128_destroy(&st);
  EXPECT_NEAR(lufs, -16.0, 1.0);
  EXPECT_LE(20 * std::log10(std::max(peak_l, peak_r)), -1.0 + 0.3);
}

TEST_F(ThreeScenes, GradientToBottom) {
  RgbImage f = Frame(5);  // scene 0 alone
  const Color from = Hex("#4E342E"), to = Hex("#A1887F");
  ExpectNear(PixelAt(f, 300, 2), Lerp(from, to, 2 / 179.0));
  ExpectNear(PixelAt(f, 300, 90), Lerp(from, to, 90 / 179.0));
  ExpectNear(PixelAt(f, 300, 177), Lerp(from, to, 177 / 179.0));
}

TEST_F(ThreeScenes, GradientToRight) {
  RgbImage f = Frame(60);  // scene 2
  const Color from = Hex("#1B5E20"), to = Hex("#43A047");
  ExpectNear(PixelAt(f, 2, 90), Lerp(from, to, 2 / 319.0));
  ExpectNear(PixelAt(f, 160, 90), Lerp(from, to, 160 / 319.0));
  ExpectNear(PixelAt(f, 317, 90), Lerp(from, to, 317 / 319.0));
}

TEST_F(ThreeScenes, TitleTextIsWhite) {
  RgbImage f = Frame(5);
  int white = 0;
  for (int y = 60; y < 105; ++y) {
    for (int x = 100; x < 220; ++x) {
      Rgb p = PixelAt(f, x, y);
      white += p.r > 220 && p.g > 220 && p.b > 220;
    }
  }
  EXPECT_GT(white, 40);
  // Nothing white far from the title.
  Rgb corner = PixelAt(f, 10, 10);
  EXPECT_LT(corner.r, 120);
}

TEST_F(ThreeScenes, BoxIsWhereTheAnimationPutsIt) {
  const Color blue = Hex("#0D47A1"), amber = Hex("#FFB300");
  for (int n : {31, 40, 47}) {
    const int k = n - 18;          // scene-local frame
    const int x = (280 * k) / 30;  // floor(x0 + (x1-x0)*k/30) in output pixels
    RgbImage f = Frame(n);
    SCOPED_TRACE("frame " + std::to_string(n) + ", box at x=" + std::to_string(x));
    ExpectNear(PixelAt(f, x + 3, 140), amber);
    ExpectNear(PixelAt(f, x + 36, 125), amber);
    ExpectNear(PixelAt(f, x + 44, 140), blue);
    if (x >= 4) ExpectNear(PixelAt(f, x - 4, 140), blue);
    ExpectNear(PixelAt(f, x + 20, 112), blue);  // above the box (top at 120)
  }
}

TEST_F(ThreeScenes, CrossfadeMidpointIsTheAverage) {
  // Scene 1 fades in over frames 18..29; at frame 24 its weight is 6/12.
  Rgb a = PixelAt(Frame(17), 300, 10);  // scene 0 alone (its last frame before the fade)
  Rgb b = PixelAt(Frame(30), 300, 10);  // scene 1 alone
  Rgb mid = PixelAt(Frame(24), 300, 10);
  EXPECT_NEAR(mid.r, (a.r + b.r) / 2.0, 4);
  EXPECT_NEAR(mid.g, (a.g + b.g) / 2.0, 4);
  EXPECT_NEAR(mid.b, (a.b + b.b) / 2.0, 4);
  ExpectNear(b, Hex("#0D47A1"));
  // The first frame of the fade is still all scene 0.
  Rgb first = PixelAt(Frame(18), 300, 10);
  EXPECT_NEAR(first.b, a.b, 3);
}

// The benchmark video (../shared/reference/ref10.md) at full size.
TEST(RenderVideo, Ref10) {
  testing::TempDir dir;
  RenderSettings s = testing::SmallSettings();
  s.width = 1920;
  s.height = 1080;
  const std::string path = dir.File("ref10.mp4");
  auto r = RenderVideo(testing::Ref10Manifest(), s, path);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->frames, 300);
  EXPECT_DOUBLE_EQ(r->duration_s, 10.0);
  auto p = ProbeMedia(path);
  ASSERT_TRUE(p && p->video && p->audio);
  EXPECT_EQ(p->video->frames, 300);
  EXPECT_NEAR(p->audio->rms_dbfs, -23.0, 0.3);

  const Color bg0_from = Hex("#4E342E"), bg0_to = Hex("#A1887F");
  // Scene 0 alone (frames 0..94): box left edge at 100 + floor(1520 k / 110).
  for (int k : {0, 37, 94}) {
    SCOPED_TRACE("frame " + std::to_string(k));
    const int x = 100 + 1520 * k / 110;
    auto f = DecodeFrameAt(path, k / 30.0);
    ASSERT_TRUE(f.has_value());
    ExpectNear(PixelAt(*f, x + 2, 860), Hex("#FFB300"));
    ExpectNear(PixelAt(*f, x + 197, 762), Hex("#FFB300"));
    if (x >= 3) ExpectNear(PixelAt(*f, x - 3, 860), Lerp(bg0_from, bg0_to, 860 / 1079.0));
    ExpectNear(PixelAt(*f, x + 203, 860), Lerp(bg0_from, bg0_to, 860 / 1079.0));
  }
  // Scene 1 alone at its local frame 55 (output frame 150).
  auto f = DecodeFrameAt(path, 150 / 30.0);
  ASSERT_TRUE(f.has_value());
  ExpectNear(PixelAt(*f, 862, 860), Hex("#FF5252"));
  ExpectNear(PixelAt(*f, 857, 860), Hex("#0D47A1"));
  // Title: ink between cap height and the baseline (575), none in the gap
  // down to the subtitle's capitals (658 - 35).
  auto white_in_rows = [&](int y0, int y1) {
    int n = 0;
    for (int y = y0; y < y1; ++y) {
      for (int x = 300; x < 1620; ++x) {
        Rgb p = PixelAt(*f, x, y);
        n += p.r > 200 && p.g > 200 && p.b > 200;
      }
    }
    return n;
  };
  EXPECT_GT(white_in_rows(510, 575), 2000);
  EXPECT_EQ(white_in_rows(603, 620), 0);
  EXPECT_GT(white_in_rows(626, 658), 500);
  EXPECT_EQ(white_in_rows(400, 495), 0);
}

TEST(RenderVideo, SameInputsGiveIdenticalBytes) {
  testing::TempDir dir;
  Manifest m = testing::ThreeSceneManifest();
  m.scenes.resize(2);
  auto a = RenderVideo(m, testing::SmallSettings(), dir.File("a.mp4"));
  auto b = RenderVideo(m, testing::SmallSettings(), dir.File("b.mp4"));
  ASSERT_TRUE(a && b);
  std::string bytes_a = ReadAll(dir.File("a.mp4"));
  EXPECT_GT(bytes_a.size(), 1000u);
  EXPECT_TRUE(bytes_a == ReadAll(dir.File("b.mp4")));
}

TEST(RenderVideo, CancelLeavesNoOutput) {
  testing::TempDir dir;
  std::atomic<bool> cancel{false};
  double last = 0;
  auto r = RenderVideo(
      testing::ThreeSceneManifest(), testing::SmallSettings(), dir.File("out.mp4"),
      [&](double f) {
        last = f;
        if (f > 0.2) cancel = true;
      },
      &cancel);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  EXPECT_GT(last, 0.2);
  EXPECT_LT(last, 0.6);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "a partial or temporary file is left";
}

TEST(RenderVideo, ProgressEndsAtOne) {
  testing::TempDir dir;
  Manifest m = testing::OneSceneManifest({});
  std::vector<double> seen;
  auto r = RenderVideo(m, testing::SmallSettings(), dir.File("p.mp4"),
                       [&](double f) { seen.push_back(f); });
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  ASSERT_FALSE(seen.empty());
  EXPECT_DOUBLE_EQ(seen.back(), 1.0);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

TEST(RenderVideo, ToneOnlyWithoutNormalisation) {
  testing::TempDir dir;
  Manifest m = testing::OneSceneManifest({});
  m.audio.tone = Tone{440, 0.1};
  auto r = RenderVideo(m, testing::SmallSettings(), dir.File("tone.mp4"));
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  auto p = ProbeMedia(dir.File("tone.mp4"));
  ASSERT_TRUE(p && p->audio);
  EXPECT_NEAR(p->audio->rms_dbfs, -23.0, 0.5);
  EXPECT_NEAR(p->audio->peak_dbfs, -20.0, 0.5);
}

TEST(RenderVideo, LetterboxesACanvasOfAnotherAspect) {
  testing::TempDir dir;
  Manifest m = testing::OneSceneManifest({});
  m.scenes[0].background.color = Hex("#FF5252");
  RenderSettings s = testing::SmallSettings();
  s.width = 180;
  s.height = 320;  // 9:16 output for a 16:9 canvas: bands above and below
  auto r = RenderVideo(m, s, dir.File("tall.mp4"));
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  auto f = DecodeFrameAt(dir.File("tall.mp4"), 0.5);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->width, 180);
  ExpectNear(PixelAt(*f, 90, 160), Hex("#FF5252"));
  ExpectNear(PixelAt(*f, 90, 20), Hex("#000000"));
  ExpectNear(PixelAt(*f, 90, 300), Hex("#000000"));
}

TEST(RenderVideo, TextPlacedByRoleAndRightToLeft) {
  testing::TempDir dir;
  Layer title;
  title.text.text = "مرحبا بالعالم";
  title.text.font = "Noto Sans Arabic";
  title.text.role = TextRole::kTitle;
  Layer caption;
  caption.text.text = "Hello from the lower third";
  caption.text.role = TextRole::kCaption;
  Manifest m = testing::OneSceneManifest({title, caption});
  m.lang = "ar";
  m.rtl = true;
  auto r = RenderVideo(m, testing::SmallSettings(), dir.File("roles.mp4"));
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  auto f = DecodeFrameAt(dir.File("roles.mp4"), 0.5);
  ASSERT_TRUE(f.has_value());
  auto white_in_rows = [&](int y0, int y1) {
    int n = 0;
    for (int y = y0; y < y1; ++y) {
      for (int x = 0; x < f->width; ++x) {
        Rgb p = PixelAt(*f, x, y);
        n += p.r + p.g + p.b > 3 * 120;  // background is #202020
      }
    }
    return n;
  };
  EXPECT_GT(white_in_rows(18, 87), 20);    // title: above the middle
  EXPECT_GT(white_in_rows(120, 166), 20);  // caption: lower third
  EXPECT_EQ(white_in_rows(0, 15), 0);      // outside the safe area
}

}  // namespace
}  // namespace aiprod
