#include "qa/probe.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <memory>

#include "model/manifest.h"
#include "qa/media_scan.h"
#include "qa/mp4_boxes.h"
#include "render/renderer.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

// A 2 s, 320x180, 25 fps video: red for 1 s, then blue, with a 1 kHz tone
// at amplitude 0.5 throughout.
Manifest TwoColours() {
  Manifest m;
  m.canvas = {320, 180, 25};
  m.audio.normalize = false;
  m.audio.tone = Tone{1000, 0.5};
  Scene red, blue;
  red.duration_s = blue.duration_s = 1.0;
  red.background.color = {255, 0, 0, 255};
  blue.background.color = {0, 0, 255, 255};
  m.scenes = {red, blue};
  return m;
}

class Probe : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<testing::TempDir>();
    path_ = dir_->File("two.mp4");
    RenderSettings s;
    s.width = 320;
    s.height = 180;
    s.x264_preset = "ultrafast";
    s.threads = 1;
    auto r = RenderVideo(TwoColours(), s, path_);
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static inline std::unique_ptr<testing::TempDir> dir_;
  static inline std::string path_;
};

TEST_F(Probe, DescribesStreamsAndContainer) {
  auto p = ProbeMedia(path_);
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  EXPECT_NE(p->format.find("mp4"), std::string::npos);
  EXPECT_NEAR(p->duration_s, 2.0, 0.03);
  EXPECT_TRUE(p->faststart);
  ASSERT_GE(p->top_level_boxes.size(), 3u);
  EXPECT_EQ(p->top_level_boxes.front(), "ftyp");
  ASSERT_TRUE(p->video && p->audio);
  EXPECT_EQ(p->video->frames, 50);
  EXPECT_DOUBLE_EQ(p->video->avg_frame_rate, 25.0);
  EXPECT_NEAR(p->video->duration_s, 2.0, 1e-6);
  EXPECT_EQ(p->video->profile, "High");
  // AAC decodes in 1024-sample frames: the encoder's padding at the end stays.
  EXPECT_GE(p->audio->samples, 96000);
  EXPECT_LT(p->audio->samples, 96000 + 1024);
  EXPECT_NEAR(p->audio->duration_s, 2.0, 0.022);
}

TEST_F(Probe, AudioLevels) {
  auto p = ProbeMedia(path_, {.rms_window_s = 0.1});
  ASSERT_TRUE(p && p->audio);
  const AudioProbe& a = *p->audio;
  EXPECT_NEAR(a.rms_dbfs, 20 * std::log10(0.5 / std::sqrt(2.0)), 0.3);  // -9.03
  EXPECT_NEAR(a.peak_dbfs, 20 * std::log10(0.5), 1.5);                  // AAC overshoots a little
  ASSERT_EQ(a.window_rms_dbfs.size(), static_cast<size_t>(std::ceil(a.samples / 4800.0)));
  EXPECT_NEAR(a.window_rms_dbfs[10], -9.03, 0.3);
  EXPECT_NEAR(a.RmsDbfsBetween(0.5, 1.5), -9.03, 0.3);
  EXPECT_TRUE(std::isinf(a.RmsDbfsBetween(5, 6)));
}

TEST_F(Probe, FramesAtTimes) {
  auto red = DecodeFrameAt(path_, 0.96);  // the last red frame (24/25)
  ASSERT_TRUE(red.has_value()) << red.error().ToString();
  EXPECT_EQ(red->width, 320);
  EXPECT_EQ(red->height, 180);
  EXPECT_EQ(red->pixels.size(), 320u * 180 * 3);
  Rgb r = PixelAt(*red, 160, 90);
  EXPECT_GT(r.r, 240);
  EXPECT_LT(r.b, 15);
  auto blue = DecodeFrameAt(path_, 1.0);
  ASSERT_TRUE(blue.has_value());
  Rgb b = PixelAt(*blue, 160, 90);
  EXPECT_LT(b.r, 15);
  EXPECT_GT(b.b, 240);
  EXPECT_TRUE(DecodeFrameAt(path_, 1.99).has_value());  // within the last frame
  auto after = DecodeFrameAt(path_, 2.5);
  ASSERT_FALSE(after.has_value());
  EXPECT_EQ(after.error().field, "t_s");
}

// With skip_unwatched the scan leaves undecoded the pictures no requested time
// needs (here the red scene's tail, then everything after the last time), and
// still hands each time the very picture a full decode gives it.
TEST_F(Probe, ScanSkipsPicturesNobodyLooksAt) {
  struct Seen {
    double shown_s = -1;
    Rgb centre;
  };
  auto scan = [&](const std::vector<double>& times, bool skip, std::vector<Seen>& seen) {
    ScanOptions o;
    o.frame_times = times;
    o.reference_frames_only = true;
    o.skip_unwatched = skip;
    seen.assign(times.size(), {});
    auto r = ScanMedia(path_, o, [&](size_t i, double shown_s, const RgbImage& img) {
      seen[i] = {shown_s, PixelAt(img, 160, 90)};
    });
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    return r ? r->integrity : ScanIntegrity{};
  };
  for (const std::vector<double>& times :
       {std::vector<double>{0.2, 1.5}, {0.96, 1.0}, {0.2}, {1.99}}) {
    std::vector<Seen> full, skipped;
    ScanIntegrity all = scan(times, false, full);
    ScanIntegrity some = scan(times, true, skipped);
    EXPECT_EQ(all.skipped_video_packets, 0);
    EXPECT_EQ(some.video_packets, 50);
    EXPECT_TRUE(some.Intact());
    for (size_t i = 0; i < times.size(); ++i) {
      EXPECT_DOUBLE_EQ(skipped[i].shown_s, full[i].shown_s) << times[i];
      EXPECT_EQ(skipped[i].centre.r, full[i].centre.r) << times[i];
      EXPECT_EQ(skipped[i].centre.b, full[i].centre.b) << times[i];
    }
    if (times.back() < 1.5) {
      EXPECT_GT(some.skipped_video_packets, 10) << times.back();
      EXPECT_LT(some.decoded_video_frames, all.decoded_video_frames);
    }
  }
  std::vector<Seen> seen;
  scan({0.2, 1.5}, true, seen);
  EXPECT_GT(seen[0].centre.r, 240);  // red
  EXPECT_GT(seen[1].centre.b, 240);  // blue
}

TEST_F(Probe, DecodesAudioSamples) {
  auto a = DecodeAudio(path_);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->sample_rate, 48000);
  EXPECT_EQ(a->channels, 2);
  EXPECT_EQ(a->interleaved.size(), 2u * static_cast<size_t>(ProbeMedia(path_)->audio->samples));
}

TEST(ProbeErrors, MissingAndGarbageFiles) {
  testing::TempDir dir;
  auto missing = ProbeMedia(dir.File("nope.mp4"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  std::ofstream(dir.File("junk.mp4")) << "this is not a video";
  auto junk = ProbeMedia(dir.File("junk.mp4"));
  ASSERT_FALSE(junk.has_value());
  EXPECT_EQ(junk.error().code, ErrorCode::kInvalidInput);
}

void WriteBox(std::ofstream& out, const char* type, uint32_t payload) {
  uint32_t size = payload + 8;
  const unsigned char header[8] = {
      static_cast<unsigned char>(size >> 24), static_cast<unsigned char>(size >> 16),
      static_cast<unsigned char>(size >> 8),  static_cast<unsigned char>(size),
      static_cast<unsigned char>(type[0]),    static_cast<unsigned char>(type[1]),
      static_cast<unsigned char>(type[2]),    static_cast<unsigned char>(type[3])};
  out.write(reinterpret_cast<const char*>(header), 8);
  out << std::string(payload, '\0');
}

TEST(Mp4Boxes, ReadsTopLevelOrder) {
  testing::TempDir dir;
  {
    std::ofstream out(dir.File("late.mp4"), std::ios::binary);
    WriteBox(out, "ftyp", 16);
    WriteBox(out, "mdat", 1000);
    WriteBox(out, "moov", 40);
  }
  auto boxes = qa::TopLevelBoxes(dir.File("late.mp4"));
  ASSERT_TRUE(boxes.has_value());
  EXPECT_EQ(*boxes, (std::vector<std::string>{"ftyp", "mdat", "moov"}));
  std::ofstream(dir.File("text.txt")) << "plain text, not boxes";
  auto none = qa::TopLevelBoxes(dir.File("text.txt"));
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace aiprod
