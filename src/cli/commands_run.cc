// `aiprod run`, `aiprod resume`, `aiprod worker`: run pipelines in this process.
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "cli/app.h"
#include "cli/progress.h"
#include "cli/signals.h"
#include "core/json.h"
#include "pipeline/stages/stages.h"
#include "worker/worker.h"

namespace aiprod::cli {
namespace {

// The result of a job as `run --json` prints it.
Json Summary(App& app, const Job& job) {
  Json out = {{"job_id", job.id}, {"state", StateName(job.state)}, {"artifacts", Json::array()}};
  auto delivered = app.store().GetCheckpoint(job.id, "deliver");
  if (delivered && *delivered && job.state == JobState::kDelivered) {
    out["artifacts"] = (**delivered).value("artifacts", Json::array());
    out["output_dir"] = (**delivered).value("output_dir", std::string());
    out["manifest"] = (**delivered).value("manifest", std::string());
    out["qa"] = (**delivered).value("qa", std::string());
  }
  if (!job.error.empty()) out["error"] = job.error;
  return out;
}

int Finish(App& app, const std::string& job_id, const Result<JobState>& ran) {
  bool json = app.options().json;
  auto job = app.store().GetJob(job_id);
  if (!job) return ReportError(job.error(), json);
  if (!ran && ran.error().code != ErrorCode::kCancelled) {
    // The job row tells the state; the error tells why the run stopped.
    if (json) PrintJson(Summary(app, *job));
    return ReportError(ran.error(), false);
  }
  Json summary = Summary(app, *job);
  if (json) {
    PrintJson(summary);
  } else {
    std::printf("job %s: %s\n", job->id.c_str(), std::string(StateName(job->state)).c_str());
    for (const auto& a : summary["artifacts"]) {
      std::printf("  %s %s  %s\n", a["lang"].get<std::string>().c_str(),
                  a["aspect"].get<std::string>().c_str(), a["video"].get<std::string>().c_str());
    }
    if (job->state == JobState::kAwaitingApproval) {
      std::printf("  waiting for review: aiprod approve %s\n", job->id.c_str());
    }
    if (!job->error.empty()) std::printf("  error: %s\n", job->error.c_str());
    if (!ran) std::printf("  stopped; continue with: aiprod resume %s\n", job->id.c_str());
  }
  if (!ran) return 1;
  switch (job->state) {
    case JobState::kDelivered:
    case JobState::kAwaitingApproval:
      return 0;
    default:
      return 1;
  }
}

// Reads the brief (and the --brand kit) and submits it (pipeline/job_actions:
// every check before the row exists, so bad input leaves nothing behind).
Result<Job> CreateJobFromBrief(App& app, const std::string& brief_path, const std::string& out_dir,
                               bool review, bool draft, const std::string& brand_file) {
  const auto max_bytes = static_cast<size_t>(app.config().limits.max_input_bytes);
  JobRequest request;
  AIPROD_ASSIGN(request.brief, ReadJsonFile(brief_path, "brief", max_bytes));
  request.review = review;
  request.draft = draft;
  if (!out_dir.empty()) {
    request.output_dir = std::filesystem::absolute(out_dir).lexically_normal().string();
  }
  if (!brand_file.empty()) {
    AIPROD_ASSIGN(request.brand_kit, LoadBrandFile(brand_file, max_bytes));
  }
  AIPROD_TRY(app.OpenStore());
  AIPROD_ASSIGN(SubmittedJob submitted, SubmitJob(app.intake(), std::move(request), app.actor()));
  // Said even with --json (stderr): a job drawn with the wrong kit is worse than noise.
  if (!submitted.warning.empty()) {
    std::fprintf(stderr, "aiprod: warning: %s\n", submitted.warning.c_str());
  }
  app.log().Info("job created", {{"job_id", submitted.job.id}});
  return std::move(submitted.job);
}

int Run(GlobalOptions& g, const std::string& brief_path, const std::string& out_dir, bool review,
        bool draft, const std::string& brand_file) {
  App app(g);
  if (auto st = app.Init(); !st) return ReportError(st.error(), g.json);
  auto job = CreateJobFromBrief(app, brief_path, out_dir, review, draft, brand_file);
  if (!job) return ReportError(job.error(), g.json);
  if (!g.json && isatty(STDERR_FILENO)) std::fprintf(stderr, "job %s\n", job->id.c_str());
  TerminalProgress progress;
  StopSignals signals([&app] { app.runner().RequestStop(); });
  auto ran = app.runner().RunJob(job->id, &progress);
  return Finish(app, job->id, ran);
}

int Submit(GlobalOptions& g, const std::string& brief_path, const std::string& out_dir, bool review,
           bool draft, const std::string& brand_file) {
  App app(g);
  if (auto st = app.Init(); !st) return ReportError(st.error(), g.json);
  auto job = CreateJobFromBrief(app, brief_path, out_dir, review, draft, brand_file);
  if (!job) return ReportError(job.error(), g.json);
  if (g.json) {
    PrintJson({{"job_id", job->id}, {"state", StateName(job->state)}});
  } else {
    std::printf("%s\n", job->id.c_str());
  }
  return 0;
}

int Resume(GlobalOptions& g, const std::string& job_id) {
  App app(g);
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  TerminalProgress progress;
  StopSignals signals([&app] { app.runner().RequestStop(); });
  auto ran = app.runner().RunJob(job_id, &progress);
  if (!ran && ran.error().code == ErrorCode::kNotFound) return ReportError(ran.error(), g.json);
  return Finish(app, job_id, ran);
}

int RunWorker(GlobalOptions& g, bool once, int concurrency) {
  App app(g);
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  app.runner();  // builds the pipeline services
  WorkerOptions options;
  options.concurrency = concurrency;
  options.exit_when_idle = once;
  options.database_url = app.config().DatabasePath();
  Worker worker(app.store(), app.services(), DefaultStages, options);
  StopSignals signals([&worker, &app] {
    app.log().Info("stopping: finishing or checkpointing the current stages");
    worker.RequestStop();
  });
  app.log().Info("worker started", {{"database", app.store().Engine()},
                                    {"concurrency", concurrency},
                                    {"prefetch", app.config().queue.prefetch}});
  worker.Run();
  const WorkerStats& s = worker.stats();
  Json summary = {{"claimed", s.claimed.load()},
                  {"delivered", s.delivered.load()},
                  {"failed", s.failed.load()},
                  {"errors", s.errors.load()}};
  app.log().Info("worker stopped", summary);
  if (g.json) PrintJson(summary);
  return 0;
}

}  // namespace

void AddRunCommands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string brief, out, brand, job;
    bool review = false, once = false, draft = false;
    int concurrency = 1;
  };
  auto args = std::make_shared<Args>();  // owned by the callbacks, which live as long as `app`

  auto* run = app.add_subcommand("run", "Run a brief through the whole pipeline in this process");
  run->add_option("brief", args->brief, "Brief JSON file")->required();
  run->add_option("--out,-o", args->out,
                  "Directory for the delivered files (default: data_dir/out/JOB)");
  run->add_flag("--review", args->review, "Stop at awaiting_approval for a human review");
  run->add_flag("--draft", args->draft, "Half-size renders with the fastest encoder preset");
  run->add_option("--brand", args->brand,
                  "Brand kit JSON file to apply (instead of looking up brand_id)");
  run->callback([&g, &exit_code, args] {
    exit_code = Run(g, args->brief, args->out, args->review, args->draft, args->brand);
  });

  auto* submit = app.add_subcommand("submit", "Queue a brief for a worker; prints the job id");
  submit->add_option("brief", args->brief, "Brief JSON file")->required();
  submit->add_option("--out,-o", args->out, "Directory for the delivered files");
  submit->add_flag("--review", args->review, "Stop at awaiting_approval for a human review");
  submit->add_flag("--draft", args->draft, "Half-size renders with the fastest encoder preset");
  submit->add_option("--brand", args->brand, "Brand kit JSON file to apply");
  submit->callback([&g, &exit_code, args] {
    exit_code = Submit(g, args->brief, args->out, args->review, args->draft, args->brand);
  });

  auto* resume =
      app.add_subcommand("resume", "Continue an interrupted job from its last finished stage");
  resume->add_option("job", args->job, "Job id")->required();
  resume->callback([&g, &exit_code, args] { exit_code = Resume(g, args->job); });

  auto* worker = app.add_subcommand("worker", "Run queued jobs until stopped (SIGTERM drains)");
  worker->add_flag("--once", args->once, "Exit when the queue is empty");
  worker->add_option("--concurrency,-c", args->concurrency, "Jobs run at once (threads)")
      ->check(CLI::Range(1, 64));
  worker->callback(
      [&g, &exit_code, args] { exit_code = RunWorker(g, args->once, args->concurrency); });
}

}  // namespace aiprod::cli
