// estimate (cost): predicted CPU time, price and wall time before rendering,
// and the brand's monthly budget: a job that would take spending past it is
// held (failed with budget_exceeded; retry after raising the budget), and
// crossing 80%, 100% or 150% of it raises an alert (a `budget_alert` event
// the runner appends with the outcome).
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
    std::vector<StageEvent> alerts;
    if (auto held = CheckBudget(ctx, e, alerts)) {
      held->events = std::move(alerts);
      return *held;
    }
    Json j = CostEstimateToJson(e);
    JobPatch patch;
    patch.cost_estimate = j;
    StageOutcome o = StageOutcome::Done(j, std::move(patch));
    o.events = std::move(alerts);
    return o;
  }

 private:
  // Adds the budget view to `e` and an alert to `alerts` for each level this
  // job crosses; returns the outcome when the job must be held.
  std::optional<StageOutcome> CheckBudget(const StageContext& ctx, CostEstimate& e,
                                          std::vector<StageEvent>& alerts) const {
    std::string note;
    auto kit = ResolveBrandKit(ctx, &note);
    if (!kit || !kit->monthly_budget_usd || *kit->monthly_budget_usd <= 0 || !ctx.services.spend) {
      return std::nullopt;
    }
    double budget = *kit->monthly_budget_usd;
    auto spent = ctx.services.spend->BrandSpendSince(ctx.job.brief.brand_id,
                                                     MonthStartUtc(ctx.services.clock->NowMs()));
    if (!spent) return StageOutcome::FromError(spent.error());
    double after = *spent + e.usd;
    e.budget = BudgetView{kit->brand_id, budget, *spent, after, after / budget};
    for (double level : {0.8, 1.0, 1.5}) {
      if (*spent / budget < level && after / budget >= level) {
        Json alert = {{"brand_id", kit->brand_id},
                      {"level", level},
                      {"spent_usd", after},
                      {"budget_usd", budget}};
        ctx.log.Warn("budget alert", alert);
        alerts.push_back({EventType::kBudgetAlert, std::move(alert)});
      }
    }
    if (after <= budget) return std::nullopt;
    return StageOutcome::FromError({ErrorCode::kBudgetExceeded,
                                    "brand '" + kit->brand_id + "' has spent " + Usd(*spent) +
                                        " of its " + Usd(budget) + " monthly budget; this job (" +
                                        Usd(e.usd) +
                                        ") would exceed it. Raise the budget, then retry the job",
                                    ""});
  }
};

}  // namespace

std::unique_ptr<Stage> MakeEstimateStage() { return std::make_unique<EstimateStage>(); }

}  // namespace aiprod
