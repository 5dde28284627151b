// Typed configuration: defaults, overlaid by a TOML file, overlaid by
// `AIPROD_*` environment variables (`render.crf` <- AIPROD_RENDER_CRF; a secret
// may also come from a file named by AIPROD_<NAME>_FILE). Validated once at
// start (`LoadConfig`), then passed around immutably.
//
// Every key is declared once, in the table after its struct (here for the
// top-level keys, config_pipeline.h, config_service.h, config_jobs.h); adding
// a setting is a member plus a table row (and `aiprod config keys --markdown`
// into the README, which a test compares).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/config_jobs.h"
#include "core/config_key.h"
#include "core/config_pipeline.h"
#include "core/config_service.h"
#include "core/error.h"
#include "core/json.h"

namespace aiprod {

struct Config {
  std::string env = "development";
  std::string data_dir = ".aiprod";
  std::string database;
  std::string brands_dir = "brands";
  std::string unknown_brand = "default";
  std::string log_level = "info";
  std::string log_format = "auto";
  std::string signing_secret;
  std::string webhook_secret;
  std::string audit_key;
  std::string secrets_file;
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

// The top-level keys; the sections' tables follow their structs, and
// config.cc names each section's prefix once ("render" -> Config::render).
inline constexpr SettingKey<Config> kTopLevelKeys[] = {
    setting::OneOf("env", &Config::env, "development|production|test",
                   "`production` refuses to start without strong secrets or with test-only "
                   "switches on"),
    setting::Path("data_dir", &Config::data_dir,
                  "database, work files and default output live here"),
    setting::Path("database", &Config::database,
                  "SQLite file, or a `postgres://` URL (empty: `<data_dir>/aiprod.db`)"),
    setting::Path("brands_dir", &Config::brands_dir, "brand kits as `<brand_id>.json`"),
    setting::OneOf("unknown_brand", &Config::unknown_brand, "default|error",
                   "a brief naming an unregistered brand gets the default kit (`error` refuses "
                   "it)"),
    setting::OneOf("log.level", &Config::log_level, "debug|info|warn|error",
                   "least severe log line written"),
    setting::OneOf("log.format", &Config::log_format, "auto|json|text",
                   "`auto`: JSON lines unless stderr is a terminal"),
    setting::Path("secrets_file", &Config::secrets_file,
                  "`NAME=value` lines of secrets (NAME as in the environment: "
                  "`AIPROD_SIGNING_SECRET`); must not be readable by others"),
    setting::Secret("signing_secret", &Config::signing_secret,
                    "secret (>= 32 bytes; required in production) signing artifact links and "
                    "webhooks"),
    setting::Secret(
        "webhook_secret", &Config::webhook_secret,
        "secret (>= 32 bytes; required in production) signing webhooks (`t=...,v1=...`, "
        "docs/API.md \"Webhooks\"); unset outside production: `signing_secret`, with a "
        "warning"),
    setting::Secret("audit_key", &Config::audit_key,
                    "secret (>= 32 bytes; required in production) keying the audit chain (HMAC) "
                    "and signing its anchors; unset: a plain SHA-256 chain that anyone who can "
                    "write the database can rewrite"),
};

// One setting as documented (`aiprod config keys`, the README's table).
struct SettingInfo {
  std::string key;                   // "render.crf"
  std::string env;                   // "AIPROD_RENDER_CRF" (secrets also: <env>_FILE)
  std::string type;                  // "integer", "number", "string", "path" or "secret"
  std::string default_value;         // "23", "veryfast"; secrets: always ""
  double min = 0, max = 0;           // integer, number: inclusive bounds
  std::vector<std::string> choices;  // string: its allowed values; empty: any
  std::string help;
};

// Every setting, in table order.
std::vector<SettingInfo> SettingKeys();

// The README's settings table (`aiprod config keys --markdown`).
std::string SettingsMarkdown();

// Loads defaults, then `path` (if non-empty; it must exist), then the secrets
// file (`secrets_file` / AIPROD_SECRETS_FILE), then `env` (pass the process
// environment; AIPROD_<NAME>_FILE names a file holding a secret). A relative
// path key (setting::Path) in the file resolves against the file's directory;
// from the environment or a default, against the working directory. Fails
// naming the first bad key. Secret values never appear in error messages.
Result<Config> LoadConfig(const std::string& path, const std::map<std::string, std::string>& env);

std::map<std::string, std::string> ProcessEnvironment();

// Names ("auth.jwt_hs256_secret") of the settings that hold secrets.
std::vector<std::string> SecretSettingNames();

}  // namespace aiprod
