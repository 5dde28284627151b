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
#include "pipeline/job_end_hook.h"
#include "pipeline/runner.h"
#include "providers/translate/translator.h"
#include "store/job_queries.h"
#include "store/pool.h"
#include "store/store.h"

namespace aiprod::cli {

struct GlobalOptions {
  std::string config_path;  // --config, or AIPROD_CONFIG, or ./aiprod.toml if present
  std::string db;           // --db overrides config `database`
  bool json = false;        // --json: machine-readable output on stdout
  bool verbose = false;
};

// Loaded lazily by commands that need it; owns everything it hands out.
class App {
 public:
  explicit App(GlobalOptions options) : options_(std::move(options)) {}

  const GlobalOptions& options() const { return options_; }
  Status Init();       // config + logger
  Status OpenStore();  // + migrations
  const Config& config() const { return *config_; }
  Store& store() { return *store_; }
  // The store's connection pool, for repositories beside the Store (keys, audit, brands).
  const std::shared_ptr<ConnectionPool>& pool() const { return pool_; }
  Logger& log() { return *log_; }
  const Clock& clock() const { return clock_; }
  Runner& runner();  // built on first use
  const PipelineServices& services() const { return services_; }
  const Translator& translator();
  const Engines& engines();  // built on first use, after Init

 private:
  GlobalOptions options_;
  std::optional<Config> config_;
  std::optional<Logger> log_;
  SystemClock clock_;
  std::shared_ptr<ConnectionPool> pool_;
  std::unique_ptr<JobQueries> queries_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<BrandSource> brands_;
  std::optional<Engines> engines_;
  std::unique_ptr<SpendLedger> spend_;
  PipelineServices services_;
  std::unique_ptr<Runner> runner_;
  std::unique_ptr<JobEndHook> job_end_;  // webhooks when jobs end (before runner_ dies)
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
