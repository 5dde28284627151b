// Settings of what callers may send and who they are: input limits, the HTTP
// service (src/api), its authentication and the audit log. Each struct is
// followed by its key table, the one place its keys are named
// (core/config_key.h).
#pragma once

#include <string>

#include "core/config_key.h"

namespace aiprod {

// limits.*: sizes of inputs, and request rates.
struct LimitsConfig {
  int max_content_chars = 10'000;
  int max_scenes = 60;
  int max_target_langs = 8;
  int max_input_bytes = 1 << 20;
  int max_body_bytes = 256 << 10;
  int max_header_bytes = 16 << 10;
  double requests_per_s = 50;
  int request_burst = 100;
  int max_active_jobs_per_brand = 50;
  int auth_failures_per_minute = 600;
};

inline constexpr SettingKey<LimitsConfig> kLimitsKeys[] = {
    setting::Int("max_content_chars", &LimitsConfig::max_content_chars, 1, 10'000'000,
                 "characters of a brief's content"),
    setting::Int("max_scenes", &LimitsConfig::max_scenes, 1, 10'000, "scenes per manifest"),
    setting::Int("max_target_langs", &LimitsConfig::max_target_langs, 1, 100,
                 "languages a brief may ask to be translated into"),
    setting::Int("max_input_bytes", &LimitsConfig::max_input_bytes, 1024, 1 << 30,
                 "size of a brief, manifest or brand kit file"),
    setting::Int("max_body_bytes", &LimitsConfig::max_body_bytes, 1024, 1 << 30,
                 "size of an HTTP request body (413 above)"),
    setting::Int("max_header_bytes", &LimitsConfig::max_header_bytes, 1024, 1 << 20,
                 "size of an HTTP request line and headers (431 above)"),
    setting::Number("requests_per_s", &LimitsConfig::requests_per_s, 0, 1e7,
                    "requests per second of one principal (API key or token subject; 0: "
                    "unlimited)"),
    setting::Int("request_burst", &LimitsConfig::request_burst, 1, 10'000'000,
                 "token bucket size for `limits.requests_per_s`"),
    setting::Int("max_active_jobs_per_brand", &LimitsConfig::max_active_jobs_per_brand, 0,
                 10'000'000, "unfinished jobs per brand (429 above; 0: unlimited)"),
    setting::Int("auth_failures_per_minute", &LimitsConfig::auth_failures_per_minute, 0, 10'000'000,
                 "failed credentials (401, refused signed link) per client address and minute, "
                 "after which the address gets 429 until the minute ends (0: off)"),
};

// api.*: the HTTP service (`aiprod serve`).
struct ApiConfig {
  std::string listen = "127.0.0.1:8080";
  std::string public_url;
  int threads = 2;
  int write_threads = 16;
  int max_connections = 1024;
  int max_connections_per_ip = 64;
  int connection_reserve = 8;
  double read_timeout_s = 10;
  double keepalive_timeout_s = 60;
  double drain_timeout_s = 20;
  double link_ttl_s = 3600;
  int sse_poll_ms = 500;
  int max_streams_per_principal = 8;
  double stream_recheck_s = 5;
  double stream_token_ttl_s = 60;
  double read_share_ms = 2;
};

inline constexpr SettingKey<ApiConfig> kApiKeys[] = {
    setting::Text("listen", &ApiConfig::listen, "host:port to listen on (port 0 picks a free one)"),
    setting::Text("public_url", &ApiConfig::public_url,
                  "prefix of absolute links (empty: relative links)"),
    setting::Int("threads", &ApiConfig::threads, 1, 64, "I/O threads (GET handlers run on them)"),
    setting::Int("write_threads", &ApiConfig::write_threads, 0, 256,
                 "threads for handlers of writes, which wait for the disk"),
    setting::Int("max_connections", &ApiConfig::max_connections, 1, 100'000,
                 "connections in all (further ones get 503 and are closed)"),
    setting::Int("max_connections_per_ip", &ApiConfig::max_connections_per_ip, 0, 100'000,
                 "connections per client address (IPv6: /64; 429 beyond; 0: no bound)"),
    setting::Int("connection_reserve", &ApiConfig::connection_reserve, 0, 25'000,
                 "last connection slots kept for addresses with none open (docs/API.md, "
                 "\"Connections\")"),
    setting::Number("read_timeout_s", &ApiConfig::read_timeout_s, 0.1, 3600,
                    "one whole request; a new connection's first request must arrive within it"),
    setting::Number("keepalive_timeout_s", &ApiConfig::keepalive_timeout_s, 0.1, 3600,
                    "idle keep-alive connections are closed after this"),
    setting::Number("drain_timeout_s", &ApiConfig::drain_timeout_s, 0, 3600,
                    "on SIGTERM, longest wait for requests in flight"),
    setting::Number("link_ttl_s", &ApiConfig::link_ttl_s, 1, 30 * 86400,
                    "lifetime of signed artifact links"),
    setting::Int("sse_poll_ms", &ApiConfig::sse_poll_ms, 10, 60'000,
                 "how often an event stream polls its job's events"),
    setting::Int("max_streams_per_principal", &ApiConfig::max_streams_per_principal, 0, 100'000,
                 "open job event streams per caller (429 above; 0: no limit)"),
    setting::Number("stream_recheck_s", &ApiConfig::stream_recheck_s, 0.1, 3600,
                    "how often an open stream looks its API key up again (a revoked key's "
                    "stream ends)"),
    setting::Number("stream_token_ttl_s", &ApiConfig::stream_token_ttl_s, 1, 3600,
                    "lifetime of `?token=` event stream tokens (docs/API.md)"),
    setting::Number("read_share_ms", &ApiConfig::read_share_ms, 0, 1000,
                    "longest a GET may reuse the read snapshot of an earlier GET answered in the "
                    "same turn of its I/O thread (SQLite; 0: a snapshot each)"),
};

// auth.*: who may call the API. JWTs (HS256 secret, or RS256/ES256 keys from
// a JWKS file or URL) and API keys (always on; stored hashed in the database).
struct AuthConfig {
  std::string mode = "required";
  std::string jwt_hs256_secret;
  std::string jwks_file;
  std::string jwks_url;
  double jwks_cache_s = 3600;
  double jwks_min_refresh_s = 30;
  std::string issuer;
  std::string audience;
  double leeway_s = 60;
  double max_token_lifetime_s = 86400;
  std::string role_claim = "role";
  std::string brands_claim = "brands";
};

inline constexpr SettingKey<AuthConfig> kAuthKeys[] = {
    setting::OneOf("mode", &AuthConfig::mode, "required|off",
                   "`off`: everyone is admin (development only)"),
    setting::Secret("jwt_hs256_secret", &AuthConfig::jwt_hs256_secret,
                    "secret (>= 32 bytes) of HS256 JWTs"),
    setting::Path("jwks_file", &AuthConfig::jwks_file,
                  "JSON Web Key Set file (RS256 / ES256 public keys)"),
    setting::Text("jwks_url", &AuthConfig::jwks_url,
                  "or its URL (https; file:// for tests), cached"),
    setting::Number("jwks_cache_s", &AuthConfig::jwks_cache_s, 1, 30 * 86400,
                    "the JWKS URL is fetched again after this long"),
    setting::Number("jwks_min_refresh_s", &AuthConfig::jwks_min_refresh_s, 0, 86400,
                    "at most one fetch per this on an unknown `kid`"),
    setting::Text("issuer", &AuthConfig::issuer, "required `iss` of every JWT"),
    setting::Text("audience", &AuthConfig::audience, "required in `aud` of every JWT"),
    setting::Number("leeway_s", &AuthConfig::leeway_s, 0, 600,
                    "clock skew allowed for `exp`, `nbf` and `iat`"),
    setting::Number("max_token_lifetime_s", &AuthConfig::max_token_lifetime_s, 60, 366 * 86400,
                    "a JWT living longer (`exp - iat`, or `exp - now` without `iat`) is refused"),
    setting::Text("role_claim", &AuthConfig::role_claim, "claim carrying viewer, editor or admin"),
    setting::Text("brands_claim", &AuthConfig::brands_claim,
                  "claim carrying the brand ids (or `*`)"),
};

// audit.*: how much a flood of failures may write to the audit log
// (store/audit_log.h).
struct AuditConfig {
  int failure_rows_per_minute = 10;
  int max_tracked_sources = 10'000;
  int max_field_chars = 256;
};

inline constexpr SettingKey<AuditConfig> kAuditKeys[] = {
    setting::Int("failure_rows_per_minute", &AuditConfig::failure_rows_per_minute, 0, 10'000,
                 "failures of one address, action and reason written as rows of their own per "
                 "minute (the rest: one row with their count)"),
    setting::Int("max_tracked_sources", &AuditConfig::max_tracked_sources, 1, 10'000'000,
                 "addresses counted apart (the rest count as `*`)"),
    setting::Int("max_field_chars", &AuditConfig::max_field_chars, 16, 65'536,
                 "audit targets, principals and detail strings are cut to this many characters"),
};

}  // namespace aiprod
