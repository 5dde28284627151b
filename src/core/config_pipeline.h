// Settings of the production pipeline: rendering (src/render), planning
// (src/creative), cost estimates and QA (src/qa). Each struct is followed by
// its key table, the one place its keys are named (core/config_key.h).
#pragma once

#include <string>

#include "core/config_key.h"

namespace aiprod {

// render.*: copied whole into RenderSettings (render/settings.h).
struct RenderConfig {
  int fps = 30;
  int crf = 23;
  std::string x264_preset = "veryfast";
  int threads = 0;
  int memory_budget_mb = 300;
  int heap_retain_mb = 256;
  int max_asset_mb = 2048;
  int max_image_megapixels = 64;
  double loudness_lufs = -16.0;
  double true_peak_dbtp = -1.0;
  int audio_bitrate_kbps = 128;
  int voice_rate_wpm = 160;
  int voice_pitch = 50;
  double max_duration_s = 600;
};

inline constexpr SettingKey<RenderConfig> kRenderKeys[] = {
    setting::Int("fps", &RenderConfig::fps, 1, 120,
                 "frame rate of a manifest whose canvas gives none (its own rate wins: its "
                 "timings are authored for it)"),
    setting::Int("crf", &RenderConfig::crf, 0, 51,
                 "libx264 constant rate factor: lower is better and larger"),
    setting::OneOf("x264_preset", &RenderConfig::x264_preset,
                   "ultrafast|superfast|veryfast|faster|fast|medium|slow|slower|veryslow",
                   "libx264 speed against size (a draft render uses ultrafast)"),
    setting::Int("threads", &RenderConfig::threads, 0, 256,
                 "encoder threads, and the budget of drawing threads (0: all cores); the output "
                 "bytes depend on it"),
    setting::Int("memory_budget_mb", &RenderConfig::memory_budget_mb, 64, 1 << 20,
                 "peak memory a render plans for: it encodes segments in parallel only when their "
                 "encoders fit (about 160 MB each at 1080p; 450 lets two run on 2 cores)"),
    setting::Int("heap_retain_mb", &RenderConfig::heap_retain_mb, 0, 1 << 20,
                 "freed heap a rendering process keeps for its next segment's encoder instead of "
                 "faulting it in again (0: glibc's defaults)"),
    setting::Int("max_asset_mb", &RenderConfig::max_asset_mb, 1, 1 << 20,
                 "an asset file (picture, clip, music) larger than this is refused naming its "
                 "manifest field"),
    setting::Int("max_image_megapixels", &RenderConfig::max_image_megapixels, 1, 256,
                 "a picture of more pixels (4 bytes each once decoded) is refused naming its "
                 "manifest field"),
    setting::Number("loudness_lufs", &RenderConfig::loudness_lufs, -40, -5,
                    "EBU R128 integrated loudness target (the manifest's audio may override)"),
    setting::Number("true_peak_dbtp", &RenderConfig::true_peak_dbtp, -9, 0,
                    "true-peak ceiling applied after loudness normalisation"),
    setting::Int("audio_bitrate_kbps", &RenderConfig::audio_bitrate_kbps, 32, 512,
                 "bitrate of the audio track"),
    setting::Int("voice_rate_wpm", &RenderConfig::voice_rate_wpm, 80, 450,
                 "narration speed of espeak-ng in words per minute (the manifest may override)"),
    setting::Int("voice_pitch", &RenderConfig::voice_pitch, 0, 99,
                 "narration pitch of espeak-ng (the manifest may override)"),
    setting::Number("max_duration_s", &RenderConfig::max_duration_s, 1, 7200,
                    "longest video a brief's duration hint or a manifest may ask for"),
};

// planner.*: how a brief becomes scenes (src/creative).
struct PlannerConfig {
  double words_per_minute = 150;
  double min_scene_s = 2.0;
  double max_scene_s = 8.0;
  int max_words_on_screen = 6;
};

inline constexpr SettingKey<PlannerConfig> kPlannerKeys[] = {
    setting::Number("words_per_minute", &PlannerConfig::words_per_minute, 60, 400,
                    "speaking rate the planner times narration with"),
    setting::Number("min_scene_s", &PlannerConfig::min_scene_s, 0.5, 60,
                    "shortest scene (must not exceed `planner.max_scene_s`)"),
    setting::Number("max_scene_s", &PlannerConfig::max_scene_s, 0.5, 60, "longest scene"),
    setting::Int("max_words_on_screen", &PlannerConfig::max_words_on_screen, 1, 30,
                 "words of a scene's on-screen key phrase"),
};

// cost.*: the estimate a job is checked against its budget with.
struct CostConfig {
  double cpu_price_per_hour_usd = 0.048;
  double cpu_s_per_output_s = 2.5;
};

inline constexpr SettingKey<CostConfig> kCostKeys[] = {
    setting::Number("cpu_price_per_hour_usd", &CostConfig::cpu_price_per_hour_usd, 0, 1000,
                    "price of one CPU hour"),
    setting::Number("cpu_s_per_output_s", &CostConfig::cpu_s_per_output_s, 0.01, 1000,
                    "CPU seconds per second of 1080p output (measured: veryfast, audio and "
                    "drawing included)"),
};

// qa.*: thresholds of the checks of rendered files (src/qa).
struct QaConfig {
  double ocr_max_cer = 0.25;
  double loudness_tolerance_lu = 1;
  double max_loudness_range_lu = 20;
  double duration_tolerance_s = 0.1;
  double caption_tolerance_s = 0.5;
  double palette_max_delta_e = 12;
  int ocr = 1;
  int fast_decode = 1;
};

inline constexpr SettingKey<QaConfig> kQaKeys[] = {
    setting::Number("ocr_max_cer", &QaConfig::ocr_max_cer, 0, 1,
                    "on-screen text: character error rate allowed"),
    setting::Number("loudness_tolerance_lu", &QaConfig::loudness_tolerance_lu, 0.1, 20,
                    "integrated loudness within the target +- this"),
    setting::Number("max_loudness_range_lu", &QaConfig::max_loudness_range_lu, 1, 60,
                    "loudness range (LRA) allowed"),
    setting::Number("duration_tolerance_s", &QaConfig::duration_tolerance_s, 0.01, 60,
                    "duration off by at most this, or 2% of the duration"),
    setting::Number("caption_tolerance_s", &QaConfig::caption_tolerance_s, 0.01, 10,
                    "captions against narration, start and end"),
    setting::Number("palette_max_delta_e", &QaConfig::palette_max_delta_e, 1, 100,
                    "CIE76 distance that still counts as the brand colour"),
    setting::Int("ocr", &QaConfig::ocr, 0, 1, "0: do not read on-screen text"),
    setting::Int("fast_decode", &QaConfig::fast_decode, 0, 1,
                 "1: decode reference frames only, and only up to the last picture looked at in "
                 "each group of pictures"),
};

}  // namespace aiprod
