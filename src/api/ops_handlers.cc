// Health, readiness, metrics, the OpenAPI document, and the original plan's
// operator routes: /alerts and /icc/data (see docs/API.md).
#include <ctime>

#include "api/service_impl.h"
#include "model/brand.h"

namespace aiprod::api {

Result<HttpResponse> ApiService::Impl::Health(Ctx&) { return Reply(200, {{"status", "ok"}}); }

Result<HttpResponse> ApiService::Impl::Ready(Ctx&) {
  auto version = store.SchemaVersion();
  int latest = store.LatestSchemaVersion();
  if (!version) {
    return Problem(503, "unavailable", "the database is not reachable");
  }
  if (*version != latest) {
    return Problem(503, "unavailable",
                   "the database schema is at version " + std::to_string(*version) +
                       ", this build needs " + std::to_string(latest));
  }
  return Reply(200,
               {{"status", "ready"}, {"schema_version", *version}, {"engine", store.Engine()}});
}

Result<HttpResponse> ApiService::Impl::MetricsText(Ctx& ctx) {
  // Process-wide figures (every brand's jobs and requests): "*" admins only.
  if (!ctx.principal->AllBrands()) {
    return Problem(403, "forbidden",
                   "metrics cover every brand: this needs an admin of all brands");
  }
  std::string out = metrics.Render();
  AIPROD_ASSIGN(auto by_state, queries.CountByState());
  out += "# HELP aiprod_jobs Jobs by state.\n# TYPE aiprod_jobs gauge\n";
  for (int s = 0; s <= static_cast<int>(JobState::kDead); ++s) {
    std::string name(StateName(static_cast<JobState>(s)));
    auto it = by_state.find(name);
    out += "aiprod_jobs{state=\"" + name + "\"} " +
           std::to_string(it == by_state.end() ? 0 : it->second) + "\n";
  }
  AIPROD_ASSIGN(int64_t depth, queries.QueueDepth(clock.NowMs()));
  out += "# HELP aiprod_queue_depth Jobs runnable now and not leased.\n";
  out += "# TYPE aiprod_queue_depth gauge\naiprod_queue_depth " + std::to_string(depth) + "\n";
  HttpResponse res;
  res.body = std::move(out);
  res.Set("Content-Type", "text/plain; version=0.0.4");
  return res;
}

Result<HttpResponse> ApiService::Impl::OpenApi(Ctx&) {
  HttpResponse res;
  res.body = OpenApiDocument();
  res.Set("Content-Type", "application/json");
  return res;
}

Result<HttpResponse> ApiService::Impl::Alerts(Ctx& ctx) {
  const Principal& p = *ctx.principal;
  int64_t now = clock.NowMs();
  aiprod::Json alerts = aiprod::Json::array();
  AIPROD_ASSIGN(auto failures, queries.FailuresSince(now - 24 * 3'600'000LL, 200));
  for (const auto& f : failures) {
    if (!p.CanSeeBrand(f.brand_id)) continue;
    alerts.push_back({{"kind", "job_" + f.state},
                      {"severity", f.state == "qa_failed" ? "warning" : "critical"},
                      {"brand_id", f.brand_id},
                      {"job_id", f.id},
                      {"message", f.error.empty() ? "job " + f.state : CutUtf8(f.error, 200)},
                      {"at", FormatTimestamp(f.updated_at_ms)}});
  }
  // Spend this calendar month (UTC) against each brand kit's monthly budget.
  std::time_t t = static_cast<std::time_t>(now / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  tm.tm_mday = 1;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  int64_t month_start = static_cast<int64_t>(timegm(&tm)) * 1000;
  AIPROD_ASSIGN(auto spend, queries.SpendSince(month_start));
  for (const auto& s : spend) {
    if (s.brand_id.empty() || !p.CanSeeBrand(s.brand_id)) continue;
    auto kit = brand_source.Find(s.brand_id);
    if (!kit || !kit->monthly_budget_usd || *kit->monthly_budget_usd <= 0) continue;
    double ratio = s.usd / *kit->monthly_budget_usd;
    if (ratio < 0.8) continue;
    alerts.push_back(
        {{"kind", "budget"},
         {"severity", ratio >= 1 ? "critical" : "warning"},
         {"brand_id", s.brand_id},
         {"spent_usd", s.usd},
         {"budget_usd", *kit->monthly_budget_usd},
         {"message", "estimated spend this month is " +
                         std::to_string(static_cast<int>(ratio * 100)) + "% of the budget"},
         {"at", FormatTimestamp(now)}});
  }
  return Reply(200, {{"alerts", alerts}});
}

Result<HttpResponse> ApiService::Impl::IccData(Ctx& ctx) {
  const Principal& p = *ctx.principal;
  std::vector<std::string> brand_filters = p.AllBrands() ? std::vector<std::string>{""} : p.brands;
  aiprod::Json jobs = aiprod::Json::array();
  for (const auto& b : brand_filters) {
    JobFilter f;
    f.state = JobState::kAwaitingApproval;
    if (!b.empty()) f.brand_id = b;
    f.limit = 100;
    AIPROD_ASSIGN(auto list, store.ListJobs(f));
    for (const auto& j : list) {
      if (j.approved || j.run_after_ms) continue;  // released, about to render
      jobs.push_back(
          {{"id", j.id},
           {"brand_id", j.brief.brand_id.empty() ? aiprod::Json() : aiprod::Json(j.brief.brand_id)},
           {"created_at", FormatTimestamp(j.created_at_ms)},
           {"content", CutUtf8(j.brief.content, 200)},
           {"revision", ManifestRevision(j.production_manifest)},
           {"production_manifest", j.production_manifest},
           {"cost_estimate", j.cost_estimate},
           {"edits_history", j.edits_history},
           {"links",
            {{"approve", "/v1/jobs/" + j.id + "/approve"},
             {"reject", "/v1/jobs/" + j.id + "/reject"},
             {"manifest", "/v1/jobs/" + j.id + "/manifest"}}}});
    }
  }
  return Reply(200, {{"awaiting_approval", jobs}});
}

}  // namespace aiprod::api
