#include "core/config.h"

#include <toml++/toml.h>
#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <filesystem>
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
  bool path = false;
  std::vector<std::string> choices;  // allowed strings, if restricted
  std::string_view help;
};

std::string EnvName(const std::string& key);
Status Assign(Config& config, const Field& field, const std::string& text,
              const std::string& source);

// Turns one section's table into fields named "<prefix>.<name>"; `section`
// finds the section's struct in a Config.
template <class S, size_t N, class Section>
void AddSection(std::vector<Field>& out, std::string_view prefix, Section section,
                const SettingKey<S> (&keys)[N]) {
  for (const SettingKey<S>& k : keys) {
    Field f;
    f.key = prefix.empty() ? std::string(k.name) : std::string(prefix) + "." + std::string(k.name);
    f.ref = [section, member = k.member](Config& c) -> Ref {
      S& s = section(c);
      return std::visit([&s](auto m) -> Ref { return &(s.*m); }, member);
    };
    f.min = k.min;
    f.max = k.max;
    f.secret = (k.flags & kSettingSecret) != 0;
    f.path = (k.flags & kSettingPath) != 0;
    for (size_t pos = 0; pos < k.choices.size();) {
      size_t bar = std::min(k.choices.find('|', pos), k.choices.size());
      f.choices.emplace_back(k.choices.substr(pos, bar - pos));
      pos = bar + 1;
    }
    f.help = k.help;
    out.push_back(std::move(f));
  }
}

// The sections, each prefix named once. Their tables follow their structs
// (config.h, config_pipeline.h, config_service.h, config_jobs.h).
std::vector<Field> Fields() {
  std::vector<Field> f;
  AddSection(
      f, "", [](Config& c) -> Config& { return c; }, kTopLevelKeys);
  auto in = [](auto member) {
    return [member](Config & c) -> auto& { return c.*member; };
  };
  AddSection(f, "render", in(&Config::render), kRenderKeys);
  AddSection(f, "planner", in(&Config::planner), kPlannerKeys);
  AddSection(f, "cost", in(&Config::cost), kCostKeys);
  AddSection(f, "qa", in(&Config::qa), kQaKeys);
  AddSection(f, "limits", in(&Config::limits), kLimitsKeys);
  AddSection(f, "api", in(&Config::api), kApiKeys);
  AddSection(f, "auth", in(&Config::auth), kAuthKeys);
  AddSection(f, "audit", in(&Config::audit), kAuditKeys);
  AddSection(f, "queue", in(&Config::queue), kQueueKeys);
  AddSection(f, "storage", in(&Config::storage), kStorageKeys);
  AddSection(f, "webhook", in(&Config::webhook), kWebhookKeys);
  return f;
}

// A relative path in the config file names a place next to that file, not
// in whatever directory the command runs from. URLs (`postgres://`) and
// absolute paths stay as written.
std::string ResolveAgainst(const std::filesystem::path& dir, const std::string& value) {
  if (dir.empty() || value.empty() || value.find("://") != std::string::npos ||
      std::filesystem::path(value).is_absolute()) {
    return value;
  }
  std::string out = (dir / value).lexically_normal().string();
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
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
      if (field->path) value = ResolveAgainst(std::filesystem::path(path).parent_path(), value);
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

std::vector<SettingInfo> SettingKeys() {
  std::vector<SettingInfo> out;
  Config defaults;
  for (const auto& f : Fields()) {
    SettingInfo info;
    info.key = f.key;
    info.env = EnvName(f.key);
    info.help = std::string(f.help);
    Ref ref = f.ref(defaults);
    if (auto* s = std::get_if<std::string*>(&ref)) {
      info.type = f.secret ? "secret" : f.path ? "path" : "string";
      info.default_value = f.secret ? "" : **s;
      info.choices = f.choices;
    } else {
      info.type = std::holds_alternative<int*>(ref) ? "integer" : "number";
      info.default_value = std::holds_alternative<int*>(ref)
                               ? std::to_string(*std::get<int*>(ref))
                               : FormatNumber(*std::get<double*>(ref));
      info.min = f.min;
      info.max = f.max;
    }
    out.push_back(std::move(info));
  }
  return out;
}

std::string SettingsMarkdown() {
  auto bound = [](const SettingInfo& k, double v) {
    return k.type == "integer" ? std::to_string(static_cast<int64_t>(v)) : FormatNumber(v);
  };
  std::string out = "| key | default | allowed | meaning |\n| --- | --- | --- | --- |\n";
  for (const auto& k : SettingKeys()) {
    std::string shown = k.type == "secret"                          ? "unset"
                        : k.default_value.empty()                   ? "(empty)"
                        : k.type == "integer" || k.type == "number" ? k.default_value
                                                                    : "`" + k.default_value + "`";
    std::string allowed = k.type;
    if (k.type == "integer" || k.type == "number")
      allowed = bound(k, k.min) + ".." + bound(k, k.max);
    if (!k.choices.empty()) allowed.clear();
    for (const auto& c : k.choices) allowed += (allowed.empty() ? "`" : ", `") + c + "`";
    out += "| `" + k.key + "` | " + shown + " | " + allowed + " | " + k.help + " |\n";
  }
  return out;
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
