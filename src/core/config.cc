#include "core/config.h"

#include <toml++/toml.h>
#include <unistd.h>
#include <cmath>
#include <functional>
#include <variant>
#include <vector>

#include "core/files.h"
#include "core/secrets.h"

extern char** environ;

namespace aiprod {
namespace {

using Ref = std::variant<std::string*, int*, double*>;

struct Field {
  std::string key;  // "render.crf"
  std::function<Ref(Config&)> ref;
  double min = 0, max = 0;  // numeric bounds
  bool secret = false;
  std::vector<std::string> choices;  // allowed strings, if restricted
};

std::string EnvName(const std::string& key);
Status Assign(Config& config, const Field& field, const std::string& text,
              const std::string& source);

std::vector<Field> Fields() {
  auto s = [](std::string k, std::string* (*f)(Config&), std::vector<std::string> choices = {}) {
    return Field{std::move(k),      [f](Config& c) -> Ref { return f(c); }, 0, 0, false,
                 std::move(choices)};
  };
  auto i = [](std::string k, int* (*f)(Config&), double lo, double hi) {
    return Field{std::move(k), [f](Config& c) -> Ref { return f(c); }, lo, hi, false, {}};
  };
  auto d = [](std::string k, double* (*f)(Config&), double lo, double hi) {
    return Field{std::move(k), [f](Config& c) -> Ref { return f(c); }, lo, hi, false, {}};
  };
  std::vector<Field> f = {
      s("env", [](Config& c) { return &c.env; }, {"development", "production", "test"}),
      s("data_dir", [](Config& c) { return &c.data_dir; }),
      s("database", [](Config& c) { return &c.database; }),
      s("brands_dir", [](Config& c) { return &c.brands_dir; }),
      s("unknown_brand", [](Config& c) { return &c.unknown_brand; }, {"default", "error"}),
      s("log.level", [](Config& c) { return &c.log_level; }, {"debug", "info", "warn", "error"}),
      s("log.format", [](Config& c) { return &c.log_format; }, {"auto", "json", "text"}),
      s("render.x264_preset", [](Config& c) { return &c.render.x264_preset; },
        {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
         "veryslow"}),
      i(
          "render.fps", [](Config& c) { return &c.render.fps; }, 1, 120),
      i(
          "render.crf", [](Config& c) { return &c.render.crf; }, 0, 51),
      i(
          "render.threads", [](Config& c) { return &c.render.threads; }, 0, 256),
      i(
          "render.memory_budget_mb", [](Config& c) { return &c.render.memory_budget_mb; }, 64,
          1 << 20),
      i(
          "render.heap_retain_mb", [](Config& c) { return &c.render.heap_retain_mb; }, 0, 1 << 20),
      i(
          "render.max_asset_mb", [](Config& c) { return &c.render.max_asset_mb; }, 1, 1 << 20),
      i(
          "render.max_image_megapixels", [](Config& c) { return &c.render.max_image_megapixels; },
          1, 256),
      d(
          "render.loudness_lufs", [](Config& c) { return &c.render.loudness_lufs; }, -40, -5),
      d(
          "render.true_peak_dbtp", [](Config& c) { return &c.render.true_peak_dbtp; }, -9, 0),
      i(
          "render.audio_bitrate_kbps", [](Config& c) { return &c.render.audio_bitrate_kbps; }, 32,
          512),
      i(
          "render.voice_rate_wpm", [](Config& c) { return &c.render.voice_rate_wpm; }, 80, 450),
      i(
          "render.voice_pitch", [](Config& c) { return &c.render.voice_pitch; }, 0, 99),
      d(
          "render.max_duration_s", [](Config& c) { return &c.render.max_duration_s; }, 1, 7200),
      d(
          "planner.words_per_minute", [](Config& c) { return &c.planner.words_per_minute; }, 60,
          400),
      d(
          "planner.min_scene_s", [](Config& c) { return &c.planner.min_scene_s; }, 0.5, 60),
      d(
          "planner.max_scene_s", [](Config& c) { return &c.planner.max_scene_s; }, 0.5, 60),
      i(
          "planner.max_words_on_screen", [](Config& c) { return &c.planner.max_words_on_screen; },
          1, 30),
      i(
          "limits.max_content_chars", [](Config& c) { return &c.limits.max_content_chars; }, 1,
          10'000'000),
      i(
          "limits.max_scenes", [](Config& c) { return &c.limits.max_scenes; }, 1, 10'000),
      i(
          "limits.max_target_langs", [](Config& c) { return &c.limits.max_target_langs; }, 1, 100),
      i(
          "limits.max_input_bytes", [](Config& c) { return &c.limits.max_input_bytes; }, 1024,
          1 << 30),
      d(
          "queue.lease_ttl_s", [](Config& c) { return &c.queue.lease_ttl_s; }, 1, 86400),
      d(
          "queue.heartbeat_s", [](Config& c) { return &c.queue.heartbeat_s; }, 0.1, 3600),
      i(
          "queue.max_attempts", [](Config& c) { return &c.queue.max_attempts; }, 1, 100),
      d(
          "queue.backoff_base_s", [](Config& c) { return &c.queue.backoff_base_s; }, 0, 3600),
      d(
          "queue.backoff_max_s", [](Config& c) { return &c.queue.backoff_max_s; }, 0, 86400),
      i(
          "queue.poll_ms", [](Config& c) { return &c.queue.poll_ms; }, 10, 60'000),
      i(
          "queue.prefetch", [](Config& c) { return &c.queue.prefetch; }, 0, 1000),
      d(
          "queue.priority_aging_s", [](Config& c) { return &c.queue.priority_aging_s; }, 0, 86400),
      d(
          "queue.brand_fairness", [](Config& c) { return &c.queue.brand_fairness; }, 0, 100),
      d(
          "cost.cpu_price_per_hour_usd", [](Config& c) { return &c.cost.cpu_price_per_hour_usd; },
          0, 1000),
      d(
          "cost.cpu_s_per_output_s", [](Config& c) { return &c.cost.cpu_s_per_output_s; }, 0.01,
          1000),
      d(
          "qa.ocr_max_cer", [](Config& c) { return &c.qa.ocr_max_cer; }, 0, 1),
      d(
          "qa.loudness_tolerance_lu", [](Config& c) { return &c.qa.loudness_tolerance_lu; }, 0.1,
          20),
      d(
          "qa.max_loudness_range_lu", [](Config& c) { return &c.qa.max_loudness_range_lu; }, 1, 60),
      d(
          "qa.duration_tolerance_s", [](Config& c) { return &c.qa.duration_tolerance_s; }, 0.01,
          60),
      d(
          "qa.caption_tolerance_s", [](Config& c) { return &c.qa.caption_tolerance_s; }, 0.01, 10),
      d(
          "qa.palette_max_delta_e", [](Config& c) { return &c.qa.palette_max_delta_e; }, 1, 100),
      i(
          "qa.ocr", [](Config& c) { return &c.qa.ocr; }, 0, 1),
      i(
          "qa.fast_decode", [](Config& c) { return &c.qa.fast_decode; }, 0, 1),
      s("storage.dir", [](Config& c) { return &c.storage.dir; }),
      d(
          "storage.retention_days", [](Config& c) { return &c.storage.retention_days; }, 0, 36500),
      i(
          "webhook.allow_http", [](Config& c) { return &c.webhook.allow_http; }, 0, 1),
      i(
          "webhook.allow_loopback", [](Config& c) { return &c.webhook.allow_loopback; }, 0, 1),
      i(
          "webhook.allow_private", [](Config& c) { return &c.webhook.allow_private; }, 0, 1),
      i(
          "webhook.max_attempts", [](Config& c) { return &c.webhook.max_attempts; }, 1, 100),
      d(
          "webhook.backoff_base_s", [](Config& c) { return &c.webhook.backoff_base_s; }, 0, 86400),
      d(
          "webhook.backoff_max_s", [](Config& c) { return &c.webhook.backoff_max_s; }, 0,
          30 * 86400),
      d(
          "webhook.timeout_s", [](Config& c) { return &c.webhook.timeout_s; }, 0.1, 300),
      s("secrets_file", [](Config& c) { return &c.secrets_file; }),
      i(
          "limits.max_body_bytes", [](Config& c) { return &c.limits.max_body_bytes; }, 1024,
          1 << 30),
      i(
          "limits.max_header_bytes", [](Config& c) { return &c.limits.max_header_bytes; }, 1024,
          1 << 20),
      d(
          "limits.requests_per_s", [](Config& c) { return &c.limits.requests_per_s; }, 0, 1e7),
      i(
          "limits.request_burst", [](Config& c) { return &c.limits.request_burst; }, 1, 10'000'000),
      i(
          "limits.max_active_jobs_per_brand",
          [](Config& c) { return &c.limits.max_active_jobs_per_brand; }, 0, 10'000'000),
      i(
          "limits.auth_failures_per_minute",
          [](Config& c) { return &c.limits.auth_failures_per_minute; }, 0, 10'000'000),
      i(
          "audit.failure_rows_per_minute",
          [](Config& c) { return &c.audit.failure_rows_per_minute; }, 0, 10'000),
      i(
          "audit.max_tracked_sources", [](Config& c) { return &c.audit.max_tracked_sources; }, 1,
          10'000'000),
      i(
          "audit.max_field_chars", [](Config& c) { return &c.audit.max_field_chars; }, 16, 65'536),
      s("api.listen", [](Config& c) { return &c.api.listen; }),
      s("api.public_url", [](Config& c) { return &c.api.public_url; }),
      i(
          "api.threads", [](Config& c) { return &c.api.threads; }, 1, 64),
      i(
          "api.write_threads", [](Config& c) { return &c.api.write_threads; }, 0, 256),
      i(
          "api.max_connections", [](Config& c) { return &c.api.max_connections; }, 1, 100'000),
      i(
          "api.max_connections_per_ip", [](Config& c) { return &c.api.max_connections_per_ip; }, 0,
          100'000),
      i(
          "api.connection_reserve", [](Config& c) { return &c.api.connection_reserve; }, 0, 25'000),
      d(
          "api.read_timeout_s", [](Config& c) { return &c.api.read_timeout_s; }, 0.1, 3600),
      d(
          "api.keepalive_timeout_s", [](Config& c) { return &c.api.keepalive_timeout_s; }, 0.1,
          3600),
      d(
          "api.drain_timeout_s", [](Config& c) { return &c.api.drain_timeout_s; }, 0, 3600),
      d(
          "api.link_ttl_s", [](Config& c) { return &c.api.link_ttl_s; }, 1, 30 * 86400),
      i(
          "api.sse_poll_ms", [](Config& c) { return &c.api.sse_poll_ms; }, 10, 60'000),
      i(
          "api.max_streams_per_principal",
          [](Config& c) { return &c.api.max_streams_per_principal; }, 0, 100'000),
      d(
          "api.stream_recheck_s", [](Config& c) { return &c.api.stream_recheck_s; }, 0.1, 3600),
      d(
          "api.stream_token_ttl_s", [](Config& c) { return &c.api.stream_token_ttl_s; }, 1, 3600),
      d(
          "api.read_share_ms", [](Config& c) { return &c.api.read_share_ms; }, 0, 1000),
      s("auth.mode", [](Config& c) { return &c.auth.mode; }, {"required", "off"}),
      s("auth.jwks_file", [](Config& c) { return &c.auth.jwks_file; }),
      s("auth.jwks_url", [](Config& c) { return &c.auth.jwks_url; }),
      d(
          "auth.jwks_cache_s", [](Config& c) { return &c.auth.jwks_cache_s; }, 1, 30 * 86400),
      d(
          "auth.jwks_min_refresh_s", [](Config& c) { return &c.auth.jwks_min_refresh_s; }, 0,
          86400),
      s("auth.issuer", [](Config& c) { return &c.auth.issuer; }),
      s("auth.audience", [](Config& c) { return &c.auth.audience; }),
      d(
          "auth.leeway_s", [](Config& c) { return &c.auth.leeway_s; }, 0, 600),
      d(
          "auth.max_token_lifetime_s", [](Config& c) { return &c.auth.max_token_lifetime_s; }, 60,
          366 * 86400),
      s("auth.role_claim", [](Config& c) { return &c.auth.role_claim; }),
      s("auth.brands_claim", [](Config& c) { return &c.auth.brands_claim; }),
  };
  for (auto [key, ref] :
       {std::pair{"signing_secret", +[](Config& c) { return &c.signing_secret; }},
        std::pair{"auth.jwt_hs256_secret", +[](Config& c) { return &c.auth.jwt_hs256_secret; }},
        std::pair{"webhook_secret", +[](Config& c) { return &c.webhook_secret; }},
        std::pair{"audit_key", +[](Config& c) { return &c.audit_key; }}}) {
    Field secret = s(key, ref);
    secret.secret = true;
    f.push_back(secret);
  }
  return f;
}

// Reads NAME=value lines (NAME as in the environment: AIPROD_SIGNING_SECRET)
// from a secrets file that only its owner may read.
Status ApplySecretsFile(Config& config, const std::vector<Field>& fields, const std::string& path) {
  AIPROD_TRY(CheckPrivateFile(path));
  AIPROD_ASSIGN(std::string text, ReadFile(path, 1 << 20));
  size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    std::string where = path + ":" + std::to_string(line_no);
    if (eq == std::string::npos) return Invalid("secrets_file", where + ": expected NAME=value");
    std::string name = line.substr(0, eq), value = line.substr(eq + 1);
    const Field* field = nullptr;
    for (const auto& f : fields) field = f.secret && EnvName(f.key) == name ? &f : field;
    if (!field) return Invalid("secrets_file", where + ": " + name + " is not a secret setting");
    AIPROD_TRY(Assign(config, *field, value, path));
  }
  return {};
}

std::string EnvName(const std::string& key) {
  std::string out = "AIPROD_";
  for (char c : key) out += c == '.' ? '_' : static_cast<char>(std::toupper(c));
  return out;
}

Status Assign(Config& config, const Field& field, const std::string& text,
              const std::string& source) {
  std::string where = field.key;
  auto bad = [&](const std::string& why) { return Invalid(where, why + " (from " + source + ")"); };
  Ref ref = field.ref(config);
  if (auto* s = std::get_if<std::string*>(&ref)) {
    if (!field.choices.empty()) {
      bool ok = false;
      std::string list;
      for (const auto& c : field.choices) {
        ok = ok || c == text;
        list += (list.empty() ? "" : ", ") + c;
      }
      if (!ok) return bad("must be one of " + list);
    }
    **s = text;
    return {};
  }
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno != 0 || !std::isfinite(v)) {
    return bad("must be a number");
  }
  if (v < field.min || v > field.max) {
    return bad("must be between " + FormatNumber(field.min) + " and " + FormatNumber(field.max));
  }
  if (auto* i = std::get_if<int*>(&ref)) {
    if (v != std::floor(v)) return bad("must be an integer");
    **i = static_cast<int>(v);
  } else {
    *std::get<double*>(ref) = v;
  }
  return {};
}

Status ApplyToml(Config& config, const std::vector<Field>& fields, const std::string& path) {
  AIPROD_ASSIGN(std::string text, ReadFile(path, 1 << 20));
  toml::table table;
  try {
    table = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    return Invalid(
        "", path + ":" + std::to_string(src.begin.line) + ": " + std::string(e.description()));
  }
  // Reject unknown keys so a typo never silently falls back to a default.
  std::vector<std::string> seen;
  std::function<Status(const toml::table&, const std::string&)> walk =
      [&](const toml::table& t, const std::string& prefix) -> Status {
    for (const auto& [k, node] : t) {
      std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
      if (const auto* sub = node.as_table()) {
        AIPROD_TRY(walk(*sub, key));
        continue;
      }
      const Field* field = nullptr;
      for (const auto& f : fields) field = f.key == key ? &f : field;
      if (!field) return Invalid(key, "unknown setting in " + path);
      std::string value;
      if (auto s = node.value<std::string>()) {
        value = *s;
      } else if (auto d = node.value<double>()) {
        value = FormatNumber(*d);
        if (auto n = node.value<int64_t>()) value = std::to_string(*n);
      } else {
        return Invalid(key, "must be a string or a number in " + path);
      }
      AIPROD_TRY(Assign(config, *field, value, path));
    }
    return {};
  };
  return walk(table, "");
}

}  // namespace

std::string Config::DatabasePath() const {
  return database.empty() ? data_dir + "/aiprod.db" : database;
}

std::string Config::WorkDir() const { return data_dir + "/work"; }

Json Config::ToJsonRedacted() const {
  Json out = Json::object();
  Config copy = *this;
  for (const auto& f : Fields()) {
    Ref ref = f.ref(copy);
    if (auto* s = std::get_if<std::string*>(&ref)) {
      out[f.key] = f.secret ? ((*s)->empty() ? "<unset>" : "<redacted>") : **s;
    } else if (auto* i = std::get_if<int*>(&ref)) {
      out[f.key] = **i;
    } else {
      out[f.key] = *std::get<double*>(ref);
    }
  }
  return out;
}

Result<Config> LoadConfig(const std::string& path, const std::map<std::string, std::string>& env) {
  Config config;
  auto fields = Fields();
  if (!path.empty()) AIPROD_TRY(ApplyToml(config, fields, path));
  if (auto it = env.find("AIPROD_SECRETS_FILE"); it != env.end()) config.secrets_file = it->second;
  if (!config.secrets_file.empty())
    AIPROD_TRY(ApplySecretsFile(config, fields, config.secrets_file));
  for (const auto& f : fields) {
    std::string name = EnvName(f.key);
    if (auto it = env.find(name); it != env.end()) {
      AIPROD_TRY(Assign(config, f, it->second, name));
    } else if (auto file = env.find(name + "_FILE"); f.secret && file != env.end()) {
      AIPROD_ASSIGN(std::string value, ReadFile(file->second, 64 << 10));
      while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
      AIPROD_TRY(Assign(config, f, value, name + "_FILE"));
    }
  }
  if (config.planner.min_scene_s > config.planner.max_scene_s) {
    return Invalid("planner.min_scene_s", "must not exceed planner.max_scene_s");
  }
  if (config.env == "production" && config.signing_secret.size() < 32) {
    return Invalid("signing_secret", "must be set to at least 32 bytes in production");
  }
  if (!config.auth.jwt_hs256_secret.empty() && config.auth.jwt_hs256_secret.size() < 32) {
    return Invalid("auth.jwt_hs256_secret", "must be at least 32 bytes");
  }
  if (!config.audit_key.empty() && config.audit_key.size() < 32) {
    return Invalid("audit_key", "must be at least 32 bytes");
  }
  return config;
}

std::vector<std::string> SecretSettingNames() {
  std::vector<std::string> out;
  for (const auto& f : Fields()) {
    if (f.secret) out.push_back(f.key);
  }
  return out;
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    if (auto eq = kv.find('='); eq != std::string::npos && kv.starts_with("AIPROD_")) {
      env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
  }
  return env;
}

}  // namespace aiprod
