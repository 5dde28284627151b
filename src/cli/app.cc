#include "cli/app.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "notify/webhook_outbox.h"
#include "pipeline/db_brand_source.h"
#include "pipeline/stages/stages.h"

namespace aiprod::cli {

std::string CliOperator() {
  const char* user = std::getenv("USER");
  return std::string("cli:") + (user && *user ? user : "unknown");
}

CliAudit::CliAudit(std::unique_ptr<AuditLog> log, const Clock& clock, Logger& logger)
    : log_(std::move(log)), clock_(clock), logger_(logger) {}

Status CliAudit::Write(AuditEntry e) {
  e.at_ms = clock_.NowMs();
  if (e.principal.empty()) e.principal = CliOperator();
  e.source = "cli";
  return log_->Append(std::move(e));
}

void CliAudit::Record(AuditEntry e) {
  std::string action = e.action, target = e.target;
  if (auto st = Write(std::move(e)); !st) {
    logger_.Error("audit append failed",
                  {{"action", action}, {"target", target}, {"error", st.error().ToString()}});
  }
}

Status App::Init() {
  if (config_) return {};
  auto env = ProcessEnvironment();
  std::string path = options_.config_path;
  if (path.empty()) {
    if (auto it = env.find("AIPROD_CONFIG"); it != env.end()) {
      path = it->second;
    } else if (std::filesystem::exists("aiprod.toml")) {
      path = "aiprod.toml";
    }
  }
  AIPROD_ASSIGN(config_, LoadConfig(path, env));
  if (!options_.db.empty()) config_->database = options_.db;
  AIPROD_ASSIGN(LogLevel level, ParseLogLevel(config_->log_level));
  AIPROD_ASSIGN(LogFormat format, ParseLogFormat(config_->log_format));
  // On a terminal the progress display tells the story; logs are for warnings.
  if (!options_.verbose && isatty(STDERR_FILENO) && level < LogLevel::kWarn &&
      !env.contains("AIPROD_LOG_LEVEL")) {
    level = LogLevel::kWarn;
  }
  if (options_.verbose) level = LogLevel::kDebug;
  log_.emplace(level, format, stderr);
  return {};
}

Status App::OpenStore() {
  AIPROD_TRY(Init());
  if (db_) return {};
  AIPROD_ASSIGN(db_, OpenDatabase(config_->DatabasePath()));
  AIPROD_TRY(db_->store().Migrate());
  return {};
}

const BrandSource& App::brands() {
  if (!brands_) {
    // Kits stored in the database (PUT /v1/brands, `aiprod brands import`)
    // win over the files in brands_dir.
    brands_ = std::make_unique<DbBrandSource>(
        db_->brands(),
        std::make_unique<FileBrandSource>(config_->brands_dir,
                                          static_cast<size_t>(config_->limits.max_input_bytes)));
  }
  return *brands_;
}

JobIntake App::intake() {
  return {&*config_, &clock_, &db_->store(), &brands(), &db_->job_queries(), &translator()};
}

CliAudit& App::audit() {
  if (!audit_) {
    audit_ = std::make_unique<CliAudit>(db_->OpenAuditLog(config_->audit_key), clock_, *log_);
  }
  return *audit_;
}

Runner& App::runner() {
  if (!runner_) {
    services_.config = &*config_;
    services_.clock = &clock_;
    services_.brands = &brands();
    engines().Attach(services_);
    spend_ = MakeSpendLedger(db_->job_queries());
    services_.spend = spend_.get();
    services_.log = *log_;
    services_.cores = std::max(1u, std::thread::hardware_concurrency());
    job_end_ = std::make_unique<WebhookJobEndHook>(db_->store(), db_->webhook_deliveries(),
                                                   *config_, clock_, *log_, true);
    services_.job_end = job_end_.get();
    runner_ = std::make_unique<Runner>(db_->store(), services_, DefaultStages());
  }
  return *runner_;
}

const Engines& App::engines() {
  if (!engines_) engines_.emplace(MakeEngines(*config_));
  return *engines_;
}

const Translator& App::translator() { return *engines().translator; }

int ReportError(const Error& e, bool json) {
  if (json) {
    PrintJson(
        {{"error", {{"code", CodeName(e.code)}, {"message", e.message}, {"field", e.field}}}});
  }
  std::fprintf(stderr, "aiprod: %s [%s]\n", e.ToString().c_str(),
               std::string(CodeName(e.code)).c_str());
  return ExitCodeFor(e.code);
}

void PrintJson(const Json& j) {
  std::string s = j.dump(2, ' ', false, Json::error_handler_t::replace);
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace aiprod::cli
