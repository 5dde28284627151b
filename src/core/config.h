// Typed configuration: defaults, overlaid by a TOML file, overlaid by
// `AIPROD_*` environment variables (`render.crf` <- AIPROD_RENDER_CRF; a secret
// may also come from a file named by AIPROD_<NAME>_FILE). Validated once at
// start (`LoadConfig`), then passed around immutably.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"

namespace aiprod {

struct RenderConfig {
  int fps = 30;
  int crf = 23;
  std::string x264_preset = "veryfast";
  int threads = 0;  // 0: follow the machine
  // Peak memory a render plans for: segments are encoded in parallel only
  // when that many x264 encoders fit (about 160 MB each at 1080p).
  int memory_budget_mb = 300;
  // Freed heap a rendering process keeps for its next encoder instead of
  // handing it back to the system (render/heap_policy.h); 0: glibc's defaults.
  int heap_retain_mb = 256;
  // What one asset of a job may weigh: its file, and a picture's pixels once
  // decoded (4 bytes each).
  int max_asset_mb = 2048;
  int max_image_megapixels = 64;
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
  int max_input_bytes = 1 << 20;       // briefs, manifests, brand kits
  int max_body_bytes = 256 << 10;      // HTTP request bodies (413 above)
  int max_header_bytes = 16 << 10;     // HTTP request line + headers (431 above)
  double requests_per_s = 50;          // per principal (API key or token subject); 0: unlimited
  int request_burst = 100;             // token bucket size for requests_per_s
  int max_active_jobs_per_brand = 50;  // unfinished jobs per brand (429 above); 0: unlimited
  // Failed credential checks (401, refused signed link) per client address
  // and minute after which the address gets 429 until the minute ends; 0: off.
  int auth_failures_per_minute = 600;
};

// The HTTP service (`aiprod serve`).
struct ApiConfig {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free port
  std::string public_url;                 // prefix of absolute links; empty: relative links
  int threads = 2;                        // I/O threads (GET handlers run on them)
  int write_threads = 16;                 // handlers of writes: they wait for the disk
  int max_connections = 1024;             // further connections get 503 and are closed
  int max_connections_per_ip = 64;        // per client address (IPv6: /64), further get 429; 0: off
  int connection_reserve = 8;             // last slots only for addresses with none open
  double read_timeout_s = 10;             // to receive one whole request (slow clients)
  double keepalive_timeout_s = 60;        // idle keep-alive connections are closed after this
  double drain_timeout_s = 20;            // SIGTERM: longest wait for requests in flight
  double link_ttl_s = 3600;               // lifetime of signed artifact links
  int sse_poll_ms = 500;                  // how often an event stream polls the job's events
  int max_streams_per_principal = 8;      // open event streams per caller (429 above); 0: no limit
  double stream_recheck_s = 5;            // an open stream re-checks its API key this often
  double stream_token_ttl_s = 60;         // lifetime of ?token= event stream tokens
  // Longest a GET may reuse the read snapshot of an earlier GET answered in
  // the same turn of its I/O thread's event loop (SQLite; 0: a snapshot each).
  double read_share_ms = 2;
};

// Who may call the API. JWTs (HS256 secret, or RS256/ES256 keys from a JWKS
// file or URL) and API keys (always on; stored hashed in the database).
struct AuthConfig {
  std::string mode = "required";        // "required" | "off" (development only: everyone is admin)
  std::string jwt_hs256_secret;         // secret, >= 32 bytes
  std::string jwks_file;                // JSON Web Key Set file (RS256 / ES256 public keys)
  std::string jwks_url;                 // or URL (https; file:// for tests), cached
  double jwks_cache_s = 3600;           // refetch the URL after this long
  double jwks_min_refresh_s = 30;       // at most one refetch per this on an unknown `kid`
  std::string issuer;                   // required `iss` of every JWT
  std::string audience;                 // required in `aud` of every JWT
  double leeway_s = 60;                 // clock skew allowed for exp / nbf / iat
  double max_token_lifetime_s = 86400;  // exp - iat (or exp - now without iat) longer: refused
  std::string role_claim = "role";      // claim carrying viewer | editor | admin
  std::string brands_claim = "brands";  // claim carrying the brand ids (or "*")
};

struct QueueConfig {
  double lease_ttl_s = 30;
  double heartbeat_s = 10;
  int max_attempts = 3;
  double backoff_base_s = 2;
  double backoff_max_s = 300;
  int poll_ms = 500;
  double priority_aging_s = 60;  // waiting this long raises a job one priority level
  double brand_fairness = 0.5;   // priority levels a brand loses per job it has running
  // Jobs a worker process leases ahead of its threads (a local queue): for
  // many short jobs, fewer claim transactions; 0 for renders, where a job
  // held ahead would wait while another worker sits idle.
  int prefetch = 0;
};

struct CostConfig {
  double cpu_price_per_hour_usd = 0.048;
  double cpu_s_per_output_s = 2.5;  // measured: 1080p veryfast incl. audio and drawing
};

// QA of rendered files (src/qa): thresholds of the checks.
struct QaConfig {
  double ocr_max_cer = 0.25;          // on-screen text: character error rate allowed
  double loudness_tolerance_lu = 1;   // integrated loudness within the target +- this
  double max_loudness_range_lu = 20;  // loudness range (LRA) allowed
  double duration_tolerance_s = 0.1;  // at least this, or 2% of the duration
  double caption_tolerance_s = 0.5;   // captions vs narration start and end
  double palette_max_delta_e = 12;    // CIE76 distance counting as the brand colour
  int ocr = 1;                        // 0: do not read on-screen text
  int fast_decode = 1;  // 1: decode reference frames only, and only up to the last picture
                        // looked at in each group of pictures (qa/gop_skip.h)
};

// The audit log (store/audit_log.h): how much a flood of failures may write.
struct AuditConfig {
  // Failures of one client address, action and reason written as rows of
  // their own per minute; the rest become one row with their count.
  int failure_rows_per_minute = 10;
  int max_tracked_sources = 10'000;  // addresses counted apart; the rest count as "*"
  int max_field_chars = 256;         // target, principal and detail strings are cut to this
};

// Delivered artifacts (src/storage): where they are kept and for how long.
struct StorageConfig {
  std::string dir;             // local artifact store; empty: <data_dir>/artifacts
  double retention_days = 30;  // `aiprod gc` deletes artifacts older than this
};

// Calls to a brief's webhook_url when a job ends (src/storage/webhook_*.h).
struct WebhookConfig {
  int allow_http = 0;         // 1: plain http:// URLs too (development, tests)
  int allow_loopback = 0;     // 1: 127.0.0.0/8 and ::1 (tests)
  int allow_private = 0;      // 1: RFC 1918, ULA, CGNAT and link-local addresses
  int max_attempts = 6;       // then the delivery is given up (every attempt is recorded)
  double backoff_base_s = 5;  // delay before attempt n+1: base * 2^(n-1), jittered, capped
  double backoff_max_s = 3600;
  double timeout_s = 10;  // per attempt, connection included
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
  std::string webhook_secret;  // secret: signs webhook bodies (empty: signing_secret)
  std::string audit_key;       // secret: keys the audit log's chain (HMAC) and its anchors
  std::string secrets_file;    // NAME=value lines for secrets; must not be readable by others
  RenderConfig render;
  PlannerConfig planner;
  LimitsConfig limits;
  QueueConfig queue;
  CostConfig cost;
  QaConfig qa;
  StorageConfig storage;
  WebhookConfig webhook;
  ApiConfig api;
  AuthConfig auth;
  AuditConfig audit;

  std::string DatabasePath() const;
  std::string WorkDir() const;

  // Every setting as "section.key" -> value; secrets shown as "<redacted>"
  // (or "<unset>").
  Json ToJsonRedacted() const;
};

// Loads defaults, then `path` (if non-empty; it must exist), then the secrets
// file (`secrets_file` / AIPROD_SECRETS_FILE), then `env` (pass the process
// environment; AIPROD_<NAME>_FILE names a file holding a secret). Fails
// naming the first bad key. Secret values never appear in error messages.
Result<Config> LoadConfig(const std::string& path, const std::map<std::string, std::string>& env);

std::map<std::string, std::string> ProcessEnvironment();

// Names ("auth.jwt_hs256_secret") of the settings that hold secrets.
std::vector<std::string> SecretSettingNames();

}  // namespace aiprod
