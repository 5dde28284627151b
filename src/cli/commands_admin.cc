// `aiprod migrate`, `aiprod config show` and `aiprod config keys`.
#include "cli/app.h"
#include "store/backup.h"

namespace aiprod::cli {
namespace {

int Migrate(GlobalOptions& g) {
  App app(g);
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  auto v = app.store().SchemaVersion();
  if (!v) return ReportError(v.error(), g.json);
  if (g.json) {
    PrintJson({{"database", app.config().DatabasePath()},
               {"engine", app.store().Engine()},
               {"schema_version", *v}});
  } else {
    std::printf("%s (%s): schema version %d, up to date\n", app.config().DatabasePath().c_str(),
                app.store().Engine().c_str(), *v);
  }
  return 0;
}

int ShowConfig(GlobalOptions& g) {
  App app(g);
  if (auto st = app.Init(); !st) return ReportError(st.error(), g.json);
  Json j = app.config().ToJsonRedacted();
  j["database_path"] = app.config().DatabasePath();
  if (g.json) {
    PrintJson(j);
    return 0;
  }
  for (const auto& [k, v] : j.items()) {
    std::printf("%-28s %s\n", k.c_str(),
                v.is_string() ? v.get<std::string>().c_str() : v.dump().c_str());
  }
  return 0;
}

// Every setting from the key tables (core/config.h); --markdown prints the
// README's settings table, which tests/core/config_keys_test.cc compares.
int ShowKeys(GlobalOptions& g, bool markdown) {
  if (markdown) {
    std::fputs(SettingsMarkdown().c_str(), stdout);
    return 0;
  }
  auto keys = SettingKeys();
  if (g.json) {
    Json out = Json::array();
    for (const auto& k : keys) {
      Json j = {{"key", k.key},
                {"env", k.env},
                {"type", k.type},
                {"help", k.help},
                {"default", k.default_value}};
      if (k.type == "integer" || k.type == "number") {
        j["min"] = k.min;
        j["max"] = k.max;
      }
      if (!k.choices.empty()) j["choices"] = k.choices;
      out.push_back(std::move(j));
    }
    PrintJson(out);
    return 0;
  }
  for (const auto& k : keys) {
    std::printf("%-36s %-9s %s\n    %s\n", k.key.c_str(), k.type.c_str(), k.env.c_str(),
                k.help.c_str());
  }
  return 0;
}

int Backup(GlobalOptions& g, const std::string& out) {
  App app(g);
  if (auto st = app.Init(); !st) return ReportError(st.error(), g.json);
  auto info = BackupDatabase(app.config().DatabasePath(), out);
  if (!info) return ReportError(info.error(), g.json);
  if (g.json) {
    PrintJson({{"engine", info->engine}, {"backup", info->path}, {"bytes", info->bytes}});
  } else {
    std::printf("%s backup written to %s (%lld bytes)\n", info->engine.c_str(), info->path.c_str(),
                static_cast<long long>(info->bytes));
  }
  return 0;
}

int Restore(GlobalOptions& g, const std::string& in) {
  App app(g);
  if (auto st = app.Init(); !st) return ReportError(st.error(), g.json);
  const std::string target = app.config().DatabasePath();
  if (auto st = RestoreDatabase(in, target); !st) return ReportError(st.error(), g.json);
  // A backup from an older build is brought up to date like any database.
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  if (g.json) {
    PrintJson({{"restored", in}, {"database", target}});
  } else {
    std::printf("restored %s into %s\n", in.c_str(), target.c_str());
  }
  return 0;
}

}  // namespace

void AddAdminCommands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  app.add_subcommand("migrate", "Create or upgrade the database schema")
      ->callback([&g, &exit_code] { exit_code = Migrate(g); });
  auto path = std::make_shared<std::string>();
  auto* backup = app.add_subcommand("backup", "Write a consistent backup of the database");
  backup->add_option("file", *path, "Backup file to write")->required();
  backup->callback([&g, &exit_code, path] { exit_code = Backup(g, *path); });
  auto* restore =
      app.add_subcommand("restore", "Restore a backup into an empty database (--db names it)");
  restore->add_option("file", *path, "Backup file to read")->required();
  restore->callback([&g, &exit_code, path] { exit_code = Restore(g, *path); });

  auto* config = app.add_subcommand("config", "Configuration");
  config->require_subcommand(1);
  config->add_subcommand("show", "Print the effective configuration (secrets redacted)")
      ->callback([&g, &exit_code] { exit_code = ShowConfig(g); });
  auto markdown = std::make_shared<bool>(false);
  auto* keys = config->add_subcommand("keys", "Every setting: type, environment name, meaning");
  keys->add_flag("--markdown", *markdown, "The README's settings table");
  keys->callback([&g, &exit_code, markdown] { exit_code = ShowKeys(g, *markdown); });
}

}  // namespace aiprod::cli
