// estimate (cost): predicted CPU time, price and wall time before rendering,
// and the brand's monthly budget: a job that would take spending past it is
// held (failed with budget_exceeded; retry after raising the budget), and
// crossing 80%, 100% or 150% of it raises an alert.
#include <cstdio>

#include "creative/cost.h"
#include "pipeline/stages/stages.h"

namespace aiprod {
namespace {

std::string Usd(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "$%.2f", v);
  return buf;
}

class EstimateStage final : public Stage {
 public:
  std::string_view Name() const override { return "estimate"; }
  JobState State() const override { return JobState::kEstimating; }

  StageOutcome Run(const StageContext& ctx) const override {
    auto pm = JobManifest(ctx.job);
    if (!pm) return StageOutcome::FromError(pm.error());
    CostEstimate e = EstimateCost(*pm, ctx.job.brief.aspect_ratios, ctx.services.config->cost,
                                  ctx.services.cores);
    Json j = e.ToJson();
    if (auto held = CheckBudget(ctx, e.usd, j)) return *held;
    JobPatch patch;
    patch.cost_estimate = j;
    return StageOutcome::Done(j, std::move(patch));
  }

 private:
  // Adds the budget view to `estimate`; returns the outcome when the job must be held.
  std::optional<StageOutcome> CheckBudget(const StageContext& ctx, double usd,
                                          Json& estimate) const {
    std::string note;
    auto kit = ResolveBrandKit(ctx, &note);
    if (!kit || !kit->monthly_budget_usd || *kit->monthly_budget_usd <= 0 ||
        !ctx.services.queries) {
      return std::nullopt;
    }
    double budget = *kit->monthly_budget_usd;
    int64_t now = ctx.services.clock->NowMs();
    auto spend = ctx.services.queries->SpendSince(MonthStartUtc(now));
    if (!spend) return StageOutcome::FromError(spend.error());
    double spent = 0;
    for (const auto& s : *spend) {
      if (s.brand_id == ctx.job.brief.brand_id) spent = s.usd;
    }
    double after = spent + usd;
    estimate["budget"] = {{"brand_id", kit->brand_id},
                          {"monthly_budget_usd", budget},
                          {"spent_this_month_usd", spent},
                          {"after_this_job_usd", after},
                          {"ratio", after / budget}};
    for (double level : {0.8, 1.0, 1.5}) {
      if (spent / budget < level && after / budget >= level) {
        Json alert = {{"brand_id", kit->brand_id},
                      {"level", level},
                      {"spent_usd", after},
                      {"budget_usd", budget}};
        ctx.log.Warn("budget alert", alert);
        (void)ctx.services.store->AppendEvent(ctx.job.id, nullptr, "budget_alert", alert, now);
      }
    }
    if (after <= budget) return std::nullopt;
    return StageOutcome::FromError({ErrorCode::kBudgetExceeded,
                                    "brand '" + kit->brand_id + "' has spent " + Usd(spent) +
                                        " of its " + Usd(budget) + " monthly budget; this job (" +
                                        Usd(usd) +
                                        ") would exceed it. Raise the budget, then retry the job",
                                    ""});
  }
};

}  // namespace

std::unique_ptr<Stage> MakeEstimateStage() { return std::make_unique<EstimateStage>(); }

}  // namespace aiprod
