#include "render/settings.h"

#include <algorithm>
#include <array>
#include <thread>

#include "core/json.h"

namespace aiprod {
namespace {

constexpr std::array<std::string_view, 10> kPresets = {
    "ultrafast", "superfast", "veryfast", "faster",   "fast",
    "medium",    "slow",      "slower",   "veryslow", "placebo"};

Status CheckRange(std::string_view field, double v, double lo, double hi) {
  if (v >= lo && v <= hi) return {};
  return Invalid("settings." + std::string(field),
                 "must be between " + FormatNumber(lo) + " and " + FormatNumber(hi));
}

Status CheckDimension(std::string_view field, int v) {
  if (v < 16 || v > 8192) {
    return Invalid("settings." + std::string(field), std::to_string(v) + " px is outside 16..8192");
  }
  if (v % 2 != 0) {
    return Invalid("settings." + std::string(field),
                   std::to_string(v) + " px is odd; yuv420p needs even sizes");
  }
  return {};
}

}  // namespace

Result<RenderSettings> SettingsForAspect(std::string_view aspect, const RenderConfig& config,
                                         bool draft) {
  RenderSettings s;
  if (aspect == "16:9") {
    s.width = 1920, s.height = 1080;
  } else if (aspect == "9:16") {
    s.width = 1080, s.height = 1920;
  } else if (aspect == "1:1") {
    s.width = 1080, s.height = 1080;
  } else {
    return Invalid("aspect", "unknown aspect ratio '" + std::string(aspect) +
                                 "' (expected 16:9, 9:16 or 1:1)");
  }
  static_cast<RenderConfig&>(s) = config;
  s.draft = draft;
  if (draft) {
    s.width /= 2;
    s.height /= 2;
    s.x264_preset = "ultrafast";
  }
  AIPROD_TRY(ValidateSettings(s));
  return s;
}

Status ValidateSettings(const RenderSettings& s) {
  AIPROD_TRY(CheckDimension("width", s.width));
  AIPROD_TRY(CheckDimension("height", s.height));
  AIPROD_TRY(CheckRange("fps", s.fps, 1, 120));
  AIPROD_TRY(CheckRange("crf", s.crf, 0, 51));
  if (std::ranges::find(kPresets, s.x264_preset) == kPresets.end()) {
    return Invalid("settings.x264_preset", "unknown x264 preset '" + s.x264_preset + "'");
  }
  AIPROD_TRY(CheckRange("threads", s.threads, 0, 64));
  AIPROD_TRY(CheckRange("loudness_lufs", s.loudness_lufs, -70, -5));
  AIPROD_TRY(CheckRange("true_peak_dbtp", s.true_peak_dbtp, -20, 0));
  AIPROD_TRY(CheckRange("audio_bitrate_kbps", s.audio_bitrate_kbps, 32, 512));
  AIPROD_TRY(CheckRange("voice_rate_wpm", s.voice_rate_wpm, 80, 450));
  AIPROD_TRY(CheckRange("voice_pitch", s.voice_pitch, 0, 100));
  AIPROD_TRY(CheckRange("segment_jobs", s.segment_jobs, 0, 64));
  AIPROD_TRY(CheckRange("memory_budget_mb", s.memory_budget_mb, 64, 1 << 20));
  AIPROD_TRY(CheckRange("heap_retain_mb", s.heap_retain_mb, 0, 1 << 20));
  AIPROD_TRY(CheckRange("max_asset_mb", s.max_asset_mb, 1, 1 << 20));
  AIPROD_TRY(CheckRange("max_image_megapixels", s.max_image_megapixels, 1, 256));
  AIPROD_TRY(CheckRange("cache_max_mb", static_cast<double>(s.cache_max_mb), 0, 1 << 30));
  if (s.poster_format != "" && s.poster_format != "png" && s.poster_format != "jpeg") {
    return Invalid("settings.poster_format", "must be png, jpeg or empty");
  }
  return {};
}

namespace {

// Resident memory of one x264 encoder in MB, measured at 1080p veryfast
// (about 160 MB; with sliced threads, the same with 1 or 2 threads), scaled
// by the frame size.
double EncoderMb(const RenderSettings& s) {
  const double frame_mb = s.width * static_cast<double>(s.height) * 1.5 / (1 << 20);
  // Plus what a segment job holds besides x264: scene bases and the ring.
  return frame_mb * 55 + frame_mb * 6;
}

constexpr double kProcessBaseMb = 60;  // libraries, fonts, the soundtrack

}  // namespace

ThreadPlan PlanThreads(const RenderSettings& s) {
  ThreadPlan p;
  p.threads = s.threads > 0 ? s.threads
                            : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  if (s.segment_jobs > 0) {
    p.jobs = std::min(s.segment_jobs, p.threads);
  } else {
    p.jobs = 1;
    for (int j = p.threads; j > 1; --j) {
      if (kProcessBaseMb + j * EncoderMb(s) <= s.memory_budget_mb) {
        p.jobs = j;
        break;
      }
    }
  }
  p.encoder_threads = std::max(1, p.threads / p.jobs);
  return p;
}

}  // namespace aiprod
