// `aiprod run`, `aiprod resume`, `aiprod worker`: run pipelines in this process.
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include "cli/app.h"
#include "cli/progress.h"
#include "core/ids.h"
#include "core/json.h"

namespace aiprod::cli {
namespace {

// The runner that SIGINT/SIGTERM should stop (a signal handler can only reach a global).
std::atomic<Runner*> g_signal_runner{nullptr};

extern "C" void OnStopSignal(int) {
  if (Runner* r = g_signal_runner.load()) r->RequestStop();
}

class SignalScope {
 public:
  explicit SignalScope(Runner& r) {
    g_signal_runner = &r;
    std::signal(SIGINT, OnStopSignal);
    std::signal(SIGTERM, OnStopSignal);
  }
  ~SignalScope() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    g_signal_runner = nullptr;
  }
};

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

int Run(GlobalOptions& g, const std::string& brief_path, const std::string& out_dir, bool review,
        const std::string& brand_file) {
  App app(g);
  if (auto st = app.Init(); !st) return ReportError(st.error(), g.json);
  const Config& config = app.config();
  auto max_bytes = static_cast<size_t>(config.limits.max_input_bytes);
  // Validate everything before a job row exists: bad input leaves nothing behind.
  auto json = ReadJsonFile(brief_path, "brief", max_bytes);
  if (!json) return ReportError(json.error(), g.json);
  BriefLimits limits;
  limits.max_content_chars = static_cast<size_t>(config.limits.max_content_chars);
  limits.max_target_langs = static_cast<size_t>(config.limits.max_target_langs);
  limits.max_duration_s = config.render.max_duration_s;
  auto brief = BriefFromJson(*json, limits);
  if (!brief) return ReportError(brief.error(), g.json);
  if (review) brief->review = true;
  // An unreachable language is bad input: refuse it before a job exists.
  for (const auto& lang : brief->target_langs) {
    auto route = FindRoute(app.translator().DirectPairs(), brief->lang, lang);
    if (!route) return ReportError(route.error(), g.json);
  }
  Json options = Json::object();
  if (!out_dir.empty()) {
    options["output_dir"] = std::filesystem::absolute(out_dir).lexically_normal().string();
  }
  if (!brand_file.empty()) {
    auto kit = LoadBrandFile(brand_file, max_bytes);
    if (!kit) return ReportError(kit.error(), g.json);
    brief->brand_id = kit->brand_id;
    options["brand_kit"] = BrandKitToJson(*kit);
  } else if (!brief->brand_id.empty() && config.unknown_brand == "error") {
    FileBrandSource brands(config.brands_dir, max_bytes);
    if (auto kit = brands.Find(brief->brand_id); !kit) return ReportError(kit.error(), g.json);
  }
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);

  NewJob nj{NewUuidV7(app.clock()), *brief, options, config.queue.max_attempts,
            app.clock().NowMs()};
  auto job = app.store().CreateJob(nj);
  if (!job) return ReportError(job.error(), g.json);
  app.log().Info("job created", {{"job_id", job->id}});
  if (!g.json && isatty(STDERR_FILENO)) std::fprintf(stderr, "job %s\n", job->id.c_str());
  TerminalProgress progress;
  SignalScope signals(app.runner());
  auto ran = app.runner().RunJob(job->id, &progress);
  return Finish(app, job->id, ran);
}

int Resume(GlobalOptions& g, const std::string& job_id) {
  App app(g);
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  TerminalProgress progress;
  SignalScope signals(app.runner());
  auto ran = app.runner().RunJob(job_id, &progress);
  if (!ran && ran.error().code == ErrorCode::kNotFound) return ReportError(ran.error(), g.json);
  return Finish(app, job_id, ran);
}

int Worker(GlobalOptions& g, bool once) {
  App app(g);
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  Runner& runner = app.runner();
  SignalScope signals(runner);
  app.log().Info("worker started", {{"database", app.config().DatabasePath()}});
  int processed = 0;
  for (;;) {
    auto ran = runner.RunNext();
    if (!ran) {
      if (ran.error().code == ErrorCode::kCancelled || runner.stop_requested()) break;
      app.log().Error("job run failed", {{"error", ran.error().ToString()}});
      continue;
    }
    if (*ran) {
      ++processed;
      continue;
    }
    if (once || runner.stop_requested()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(app.config().queue.poll_ms));
  }
  app.log().Info("worker stopped", {{"jobs", processed}});
  if (g.json) PrintJson({{"processed", processed}});
  return 0;
}

}  // namespace

void AddRunCommands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string brief, out, brand, job;
    bool review = false, once = false;
  };
  auto args = std::make_shared<Args>();  // owned by the callbacks, which live as long as `app`

  auto* run = app.add_subcommand("run", "Run a brief through the whole pipeline in this process");
  run->add_option("brief", args->brief, "Brief JSON file")->required();
  run->add_option("--out,-o", args->out,
                  "Directory for the delivered files (default: data_dir/out/JOB)");
  run->add_flag("--review", args->review, "Stop at awaiting_approval for a human review");
  run->add_option("--brand", args->brand,
                  "Brand kit JSON file to apply (instead of looking up brand_id)");
  run->callback([&g, &exit_code, args] {
    exit_code = Run(g, args->brief, args->out, args->review, args->brand);
  });

  auto* resume =
      app.add_subcommand("resume", "Continue an interrupted job from its last finished stage");
  resume->add_option("job", args->job, "Job id")->required();
  resume->callback([&g, &exit_code, args] { exit_code = Resume(g, args->job); });

  auto* worker = app.add_subcommand("worker", "Run queued jobs until stopped (SIGTERM drains)");
  worker->add_flag("--once", args->once, "Exit when the queue is empty");
  worker->callback([&g, &exit_code, args] { exit_code = Worker(g, args->once); });
}

}  // namespace aiprod::cli
