// estimate (cost): predicted CPU time, price and wall time before rendering.
#include "creative/cost.h"
#include "pipeline/stages/stages.h"

namespace aiprod {
namespace {

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
    JobPatch patch;
    patch.cost_estimate = j;
    return StageOutcome::Done(j, std::move(patch));
  }
};

}  // namespace

std::unique_ptr<Stage> MakeEstimateStage() { return std::make_unique<EstimateStage>(); }

}  // namespace aiprod
