// `aiprod migrate` and `aiprod config show`.
#include "cli/app.h"

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
    std::printf("%-28s %s\n", k.c_str(), v.is_string() ? v.get<std::string>().c_str()
                                                       : v.dump().c_str());
  }
  return 0;
}

}  // namespace

void AddAdminCommands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  app.add_subcommand("migrate", "Create or upgrade the database schema")
      ->callback([&g, &exit_code] { exit_code = Migrate(g); });
  auto* config = app.add_subcommand("config", "Configuration");
  config->require_subcommand(1);
  config->add_subcommand("show", "Print the effective configuration (secrets redacted)")
      ->callback([&g, &exit_code] { exit_code = ShowConfig(g); });
}

}  // namespace aiprod::cli
