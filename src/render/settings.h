// How a manifest is rendered: output size, encoder and audio targets.
#pragma once

#include <string>
#include <string_view>

#include "core/config.h"
#include "core/error.h"

namespace aiprod {

// The `render.*` settings (fps, crf, x264_preset, threads, loudness, voice,
// memory and asset limits; each described in core/config_pipeline.h) plus
// what a render decides itself. RenderConfig is inherited whole, so a new
// `render.*` key reaches the renderer without a line here, and `s.crf` reads
// the same as before.
struct RenderSettings : RenderConfig {
  // Output size in pixels (even, 16..8192). The manifest canvas is scaled
  // uniformly to fit and centred; uncovered bands are black.
  int width = 1920, height = 1080;
  // fps is used only when the manifest's canvas.fps is 0; threads 0 means
  // std::thread::hardware_concurrency(), and the output bytes depend on it.
  bool draft = false;  // informative: SettingsForAspect already applied it

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
  // (Inherited: memory_budget_mb chooses segment_jobs automatically;
  // heap_retain_mb is for RetainFreedHeap, render/heap_policy.h; max_asset_mb
  // and max_image_megapixels refuse assets naming the manifest field,
  // render/assets.h.)

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
