// aiprod: the command line. Exit codes: 0 done, 1 failure, 2 bad input.
#include <clocale>

#include "cli/app.h"
#include "cli/signals.h"
#include "core/version.h"

int main(int argc, char** argv) {
  std::setlocale(LC_ALL, "C.UTF-8");
  using namespace aiprod::cli;
  InstallSignalWatcher();
  CLI::App app{"AIPROD: a brief in, a checked, localized video out.", "aiprod"};
  app.set_version_flag("--version", std::string("aiprod ") + aiprod::kVersion);
  app.require_subcommand(1);
  app.fallthrough();
  GlobalOptions g;
  app.add_option("--config", g.config_path, "TOML configuration file (default: ./aiprod.toml)");
  app.add_option("--db", g.db, "Database: a SQLite file path (default: data_dir/aiprod.db)");
  app.add_flag("--json", g.json, "Print machine-readable JSON on stdout");
  app.add_flag("-v,--verbose", g.verbose, "Debug logs");
  int exit_code = 0;
  AddRunCommands(app, g, exit_code);
  AddJobCommands(app, g, exit_code);
  AddReviewCommands(app, g, exit_code);
  AddAdminCommands(app, g, exit_code);
  AddRenderCommand(app, g, exit_code);
  AddApiCommands(app, g, exit_code);
  AddQaCommands(app, g, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // usage errors are bad input
  }
  return exit_code;
}
