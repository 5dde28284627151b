#include "qa/technical_checks.h"

#include <cmath>
#include <cstdio>

namespace aiprod {
namespace {

double Round3(double v) { return std::isfinite(v) ? std::round(v * 1000) / 1000 : -1000; }

void Add(QaReport& r, std::string name, Json value, Json threshold, bool passed,
         std::string detail = {}) {
  r.checks.push_back({std::move(name), std::move(value), std::move(threshold), passed,
                      passed ? std::string() : std::move(detail)});
}

void Equal(QaReport& r, const std::string& name, const std::string& got, const std::string& want) {
  Add(r, name, got, want, got == want,
      "is " + (got.empty() ? "missing" : got) + ", expected " + want);
}

}  // namespace

Expectations ExpectationsFor(const Manifest& m, int width, int height) {
  Expectations e;
  e.width = width;
  e.height = height;
  e.fps = m.canvas.fps;
  e.duration_s = m.TotalDuration();
  e.duration_tolerance_s = std::max(0.1, 0.02 * e.duration_s);
  return e;
}

void RunTechnicalChecks(const MediaProbe& p, const Expectations& want, QaReport& r) {
  Add(r, "container", p.format, "mp4", p.format.find("mp4") != std::string::npos,
      "container is " + p.format);
  Add(r, "faststart", p.faststart, true, p.faststart, "the index (moov) comes after the media");
  if (!p.video) {
    Add(r, "video_stream", false, true, false, "no video stream");
  } else {
    const VideoProbe& v = *p.video;
    Equal(r, "video_codec", v.codec, "h264");
    Equal(r, "video_profile", v.profile, "High");
    Equal(r, "pixel_format", v.pix_fmt, "yuv420p");
    std::string size = std::to_string(v.width) + "x" + std::to_string(v.height);
    Equal(r, "resolution", size, std::to_string(want.width) + "x" + std::to_string(want.height));
    Add(r, "frame_rate", Round3(v.avg_frame_rate), want.fps,
        std::fabs(v.avg_frame_rate - want.fps) < 0.01, "frame rate differs");
    double d = v.duration_s - want.duration_s;
    Add(r, "duration", Round3(v.duration_s),
        {{"expected_s", Round3(want.duration_s)},
         {"tolerance_s", Round3(want.duration_tolerance_s)}},
        std::fabs(d) <= want.duration_tolerance_s,
        "video lasts " + std::to_string(v.duration_s) + " s, the manifest " +
            std::to_string(want.duration_s) + " s");
  }
  if (!p.audio) {
    Add(r, "audio_stream", false, true, false, "no audio stream");
    return;
  }
  const AudioProbe& a = *p.audio;
  Equal(r, "audio_codec", a.codec, "aac");
  Equal(r, "audio_profile", a.profile, "LC");
  Add(r, "audio_sample_rate", a.sample_rate, 48000, a.sample_rate == 48000, "not 48 kHz");
  if (p.video) {
    double gap = std::fabs(a.duration_s - p.video->duration_s);
    Add(r, "av_duration_match", Round3(gap), want.av_sync_tolerance_s,
        gap <= want.av_sync_tolerance_s, "audio and video lengths differ");
  }
  if (want.expect_sound) {
    Add(r, "audio_not_silent", Round3(a.rms_dbfs), want.silence_dbfs,
        a.rms_dbfs > want.silence_dbfs, "the soundtrack is silent");
  }
  for (size_t i = 0; i < want.narration.size(); ++i) {
    const auto& cue = want.narration[i];
    double level = a.RmsDbfsBetween(cue.start_s, cue.end_s);
    char name[48];
    std::snprintf(name, sizeof name, "narration_present[%zu]", i);
    Add(r, name, Round3(level), want.silence_dbfs, level > want.silence_dbfs,
        "no speech where narration " + std::to_string(i) + " should be");
  }
}

}  // namespace aiprod
