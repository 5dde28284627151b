// `aiprod jobs list|show`: look at jobs.
#include "cli/app.h"

namespace aiprod::cli {
namespace {

int List(GlobalOptions& g, const std::string& state, const std::string& brand, int limit,
         const std::string& after) {
  App app(g);
  JobFilter f;
  if (!state.empty()) {
    f.state = StateFromName(state);
    if (!f.state)
      return ReportError({ErrorCode::kInvalidInput, "unknown state '" + state + "'", "--state"},
                         g.json);
  }
  if (!brand.empty()) f.brand_id = brand;
  f.limit = limit;
  f.after_id = after;
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  auto jobs = app.store().ListJobs(f);
  if (!jobs) return ReportError(jobs.error(), g.json);
  if (g.json) {
    Json arr = Json::array();
    for (const auto& j : *jobs) {
      arr.push_back({{"id", j.id},
                     {"state", StateName(j.state)},
                     {"preset", j.brief.preset},
                     {"brand_id", j.brief.brand_id},
                     {"created_at", FormatTimestamp(j.created_at_ms)}});
    }
    Json out = {{"jobs", arr}};
    if (static_cast<int>(jobs->size()) == f.limit) out["next_cursor"] = jobs->back().id;
    PrintJson(out);
    return 0;
  }
  std::printf("%-36s  %-20s  %-12s  %-18s  %s\n", "ID", "STATE", "PRESET", "BRAND", "CREATED");
  for (const auto& j : *jobs) {
    std::printf("%-36s  %-20s  %-12s  %-18s  %s\n", j.id.c_str(),
                std::string(StateName(j.state)).c_str(), j.brief.preset.c_str(),
                j.brief.brand_id.empty() ? "-" : j.brief.brand_id.c_str(),
                FormatTimestamp(j.created_at_ms).c_str());
  }
  return 0;
}

int Show(GlobalOptions& g, const std::string& id, bool events) {
  App app(g);
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  auto job = app.store().GetJob(id);
  if (!job) return ReportError(job.error(), g.json);
  Json out = JobToJson(*job);
  if (events) {
    auto evs = app.store().ListEvents(id);
    if (!evs) return ReportError(evs.error(), g.json);
    Json arr = Json::array();
    for (const auto& e : *evs) arr.push_back(JobEventToJson(e));
    out["events"] = arr;
  }
  if (g.json) {
    PrintJson(out);
    return 0;
  }
  std::printf(
      "job        %s\nstate      %s\npreset     %s\nlang       %s -> %s\nbrand      %s\n"
      "attempts   %d/%d\ncreated    %s\nupdated    %s\n",
      job->id.c_str(), std::string(StateName(job->state)).c_str(), job->brief.preset.c_str(),
      job->brief.lang.c_str(), Json(job->brief.target_langs).dump().c_str(),
      job->brief.brand_id.empty() ? "(default)" : job->brief.brand_id.c_str(), job->attempts,
      job->max_attempts, FormatTimestamp(job->created_at_ms).c_str(),
      FormatTimestamp(job->updated_at_ms).c_str());
  if (!job->error.empty()) std::printf("error      %s\n", job->error.c_str());
  if (!job->cost_estimate.is_null()) {
    std::printf("estimate   %.1f CPU-s, $%.4f\n", job->cost_estimate.value("cpu_s", 0.0),
                job->cost_estimate.value("usd", 0.0));
  }
  if (events) {
    for (const auto& e : out["events"]) {
      std::printf("  %s  %-20s %s%s\n", e["created_at"].get<std::string>().c_str(),
                  e["type"].get<std::string>().c_str(),
                  e.contains("to_state") ? ("-> " + e["to_state"].get<std::string>()).c_str() : "",
                  e.contains("data") ? ("  " + e["data"].dump()).c_str() : "");
    }
  }
  return 0;
}

}  // namespace

void AddJobCommands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string state, brand, after, id;
    int limit = 50;
    bool events = false;
  };
  auto args = std::make_shared<Args>();
  auto* jobs = app.add_subcommand("jobs", "List and inspect jobs");
  jobs->require_subcommand(1);
  auto* list = jobs->add_subcommand("list", "List jobs, oldest first");
  list->add_option("--state", args->state, "Only jobs in this state");
  list->add_option("--brand", args->brand, "Only jobs of this brand");
  list->add_option("--limit", args->limit, "At most this many (1-1000)")
      ->check(CLI::Range(1, 1000));
  list->add_option("--after", args->after, "Cursor: list jobs after this id");
  list->callback([&g, &exit_code, args] {
    exit_code = List(g, args->state, args->brand, args->limit, args->after);
  });
  auto* show = jobs->add_subcommand("show", "Show one job");
  show->add_option("job", args->id, "Job id")->required();
  show->add_flag("--events", args->events, "Include the job's event history");
  show->callback([&g, &exit_code, args] { exit_code = Show(g, args->id, args->events); });
}

}  // namespace aiprod::cli
