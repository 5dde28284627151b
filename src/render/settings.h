// How a manifest is rendered: output size, encoder and audio targets.
#pragma once

#include <string>
#include <string_view>

#include "core/config.h"
#include "core/error.h"

namespace aiprod {

struct RenderSettings {
  // Output size in pixels (even, 16..8192). The manifest canvas is scaled
  // uniformly to fit and centred; uncovered bands are black.
  int width = 1920, height = 1080;
  // Used only when the manifest's canvas.fps is 0: the manifest's frame rate
  // wins, because its timings (transitions, animations) are authored for it.
  int fps = 30;
  int crf = 23;                          // libx264 CRF, 0..51
  std::string x264_preset = "veryfast";  // ultrafast .. veryslow
  // Encoder threads, and the budget for drawing threads; 0 means
  // std::thread::hardware_concurrency(). The output bytes depend on it.
  int threads = 0;
  bool draft = false;          // informative: SettingsForAspect already applied it
  double loudness_lufs = -16;  // integrated loudness target (manifest audio may override)
  double true_peak_dbtp = -1;  // ceiling applied after loudness normalisation
  int audio_bitrate_kbps = 128;
  int voice_rate_wpm = 160;  // espeak-ng, 80..450 (the manifest may override)
  int voice_pitch = 50;      // espeak-ng, 0..100 (the manifest may override)

  // The scene cache: finished segments are kept here between renders, keyed
  // by everything that affects their pixels (renderer.h). Empty: segments go
  // to a temporary directory that is removed after the render.
  std::string cache_dir;
  // The cache is trimmed to this size after each render, least recently
  // used segments first (segments of the render just made are kept).
  int64_t cache_max_mb = 4096;
  // The job's asset directory: `asset` paths of the manifest resolve inside
  // it. Empty: a manifest that names an asset is refused.
  std::string asset_dir;
  // Segments encoded at the same time, each by its own x264 with
  // max(1, threads / segment_jobs) threads. 0: as many as `threads` and
  // `memory_budget_mb` allow. The output bytes depend on it (through the
  // x264 thread count).
  int segment_jobs = 0;
  int memory_budget_mb = 300;  // for choosing segment_jobs automatically
  int heap_retain_mb = 256;    // RetainFreedHeap (render/heap_policy.h); not in any key
  // Larger asset files, and pictures of more pixels, are refused naming the
  // manifest field (render/assets.h).
  int max_asset_mb = 2048;
  int max_image_megapixels = 64;
  // Poster image next to the video: "png", "jpeg", or "" for none.
  std::string poster_format = "png";
  // WebVTT captions next to the video when the manifest has narration.
  bool captions_file = true;
};

// How a render divides its threads: `jobs` segments at once, each encoded
// by x264 with `encoder_threads` threads and drawn by one drawing thread.
struct ThreadPlan {
  int threads = 1;  // resolved (0 -> core count)
  int jobs = 1;
  int encoder_threads = 1;
};

// Precondition: ValidateSettings(s) passed.
ThreadPlan PlanThreads(const RenderSettings& s);

// Settings for an aspect ratio ("16:9" -> 1920x1080, "9:16" -> 1080x1920,
// "1:1" -> 1080x1080) with encoder and audio values from `config`. `draft`
// halves the size and uses the ultrafast preset. Unknown aspect: kInvalidInput
// naming "aspect".
Result<RenderSettings> SettingsForAspect(std::string_view aspect, const RenderConfig& config,
                                         bool draft);

// Checks every field; errors name it ("settings.width").
Status ValidateSettings(const RenderSettings& s);

}  // namespace aiprod
