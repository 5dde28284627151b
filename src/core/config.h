// Typed configuration: defaults, overlaid by a TOML file, overlaid by
// `AIPROD_*` environment variables (`render.crf` <- AIPROD_RENDER_CRF; a secret
// may also come from a file named by AIPROD_<NAME>_FILE). Validated once at
// start (`LoadConfig`), then passed around immutably.
#pragma once

#include <map>
#include <string>

#include "core/error.h"
#include "core/json.h"

namespace aiprod {

struct RenderConfig {
  int fps = 30;
  int crf = 23;
  std::string x264_preset = "veryfast";
  int threads = 0;  // 0: follow the machine
  double loudness_lufs = -16.0;
  double true_peak_dbtp = -1.0;
  int audio_bitrate_kbps = 128;
  int voice_rate_wpm = 160;
  int voice_pitch = 50;
  double max_duration_s = 600;
};

struct PlannerConfig {
  double words_per_minute = 150;
  double min_scene_s = 2.0;
  double max_scene_s = 8.0;
  int max_words_on_screen = 6;
};

struct LimitsConfig {
  int max_content_chars = 10'000;
  int max_scenes = 60;
  int max_target_langs = 8;
  int max_input_bytes = 1 << 20;  // briefs, manifests, brand kits
};

struct QueueConfig {
  double lease_ttl_s = 30;
  double heartbeat_s = 10;
  int max_attempts = 3;
  double backoff_base_s = 2;
  double backoff_max_s = 300;
  int poll_ms = 500;
};

struct CostConfig {
  double cpu_price_per_hour_usd = 0.048;
  double cpu_s_per_output_s = 2.5;  // measured: 1080p veryfast incl. audio and drawing
};

struct Config {
  std::string env = "development";
  std::string data_dir = ".aiprod";
  std::string database;  // empty: <data_dir>/aiprod.db; a path means SQLite
  std::string brands_dir = "brands";
  std::string unknown_brand = "default";  // "default" kit or "error"
  std::string log_level = "info";
  std::string log_format = "auto";
  std::string signing_secret;  // secret: signs artifact links and webhooks
  RenderConfig render;
  PlannerConfig planner;
  LimitsConfig limits;
  QueueConfig queue;
  CostConfig cost;

  std::string DatabasePath() const;
  std::string WorkDir() const;

  // Every setting as "section.key" -> value; secrets shown as "<redacted>"
  // (or "<unset>").
  Json ToJsonRedacted() const;
};

// Loads defaults, then `path` (if non-empty; it must exist), then `env`
// (pass the process environment). Fails naming the first bad key.
Result<Config> LoadConfig(const std::string& path, const std::map<std::string, std::string>& env);

std::map<std::string, std::string> ProcessEnvironment();

}  // namespace aiprod
