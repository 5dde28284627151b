// What every `aiprod` command shares: global options, configuration loaded
// once, the store, the pipeline services, and how results are printed.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "creative/brand_source.h"
#include "pipeline/engines.h"
#include "pipeline/job_actions.h"
#include "pipeline/job_end_hook.h"
#include "pipeline/runner.h"
#include "providers/translate/translator.h"
#include "store/database.h"
#include "store/store.h"

namespace aiprod::cli {

struct GlobalOptions {
  std::string config_path;  // --config, or AIPROD_CONFIG, or ./aiprod.toml if present
  std::string db;           // --db overrides config `database`
  bool json = false;        // --json: machine-readable output on stdout
  bool verbose = false;
};

// The operator of the CLI, for events, edit histories and audit rows:
// "cli:<login>".
std::string CliOperator();

// The CLI's audit rows: the operator's, from source "cli".
class CliAudit final : public ActionAudit {
 public:
  CliAudit(std::unique_ptr<AuditLog> log, const Clock& clock, Logger& logger);
  // Sets the time, source and (if unset) principal; durable when it returns.
  Status Write(AuditEntry e);
  // For the job actions: a row that cannot be written is logged (the action is done).
  void Record(AuditEntry e) override;

 private:
  std::unique_ptr<AuditLog> log_;
  const Clock& clock_;
  Logger& logger_;
};

// Loaded lazily by commands that need it; owns everything it hands out.
class App {
 public:
  explicit App(GlobalOptions options) : options_(std::move(options)) {}

  const GlobalOptions& options() const { return options_; }
  Status Init();       // config + logger
  Status OpenStore();  // + migrations
  const Config& config() const { return *config_; }
  Store& store() { return db_->store(); }
  // The store's database, for the repositories beside the Store (keys, audit, brands).
  Database& db() { return *db_; }
  Logger& log() { return *log_; }
  const Clock& clock() const { return clock_; }
  Runner& runner();  // built on first use
  const PipelineServices& services() const { return services_; }
  const Translator& translator();
  const BrandSource& brands();  // the database's kits, then brands_dir's
  // What SubmitJob needs (after OpenStore).
  JobIntake intake();
  CliAudit& audit();  // after OpenStore
  // The operator, audited (after OpenStore).
  Actor actor() { return {CliOperator(), &audit()}; }
  const Engines& engines();  // built on first use, after Init

 private:
  GlobalOptions options_;
  std::optional<Config> config_;
  std::optional<Logger> log_;
  SystemClock clock_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<BrandSource> brands_;
  std::optional<Engines> engines_;
  std::unique_ptr<SpendLedger> spend_;
  PipelineServices services_;
  std::unique_ptr<Runner> runner_;
  std::unique_ptr<JobEndHook> job_end_;  // webhooks when jobs end (before runner_ dies)
  std::unique_ptr<CliAudit> audit_;
};

// Prints an error ("aiprod: field: message [code]") and returns its exit code.
int ReportError(const Error& e, bool json);
void PrintJson(const Json& j);

// Each registers its subcommand(s); the callback stores the exit code.
void AddRunCommands(CLI::App& app, GlobalOptions& g, int& exit_code);
void AddJobCommands(CLI::App& app, GlobalOptions& g, int& exit_code);
// review, edit, approve, reject (commands_review.cc).
void AddReviewCommands(CLI::App& app, GlobalOptions& g, int& exit_code);
void AddAdminCommands(CLI::App& app, GlobalOptions& g, int& exit_code);
void AddRenderCommand(CLI::App& app, GlobalOptions& g, int& exit_code);
// serve, keys, brands, audit (commands_api.cc).
void AddApiCommands(CLI::App& app, GlobalOptions& g, int& exit_code);
// qa, gc, webhooks (commands_qa.cc).
void AddQaCommands(CLI::App& app, GlobalOptions& g, int& exit_code);

}  // namespace aiprod::cli
