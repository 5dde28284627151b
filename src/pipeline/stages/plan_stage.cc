// plan (creative direction): brief -> production manifest, one variant in the
// brief's language, by the configured planner (services.planner).
#include "model/language.h"
#include "pipeline/stages/stages.h"

namespace aiprod {
namespace {

class PlanStage final : public Stage {
 public:
  std::string_view Name() const override { return "plan"; }
  JobState State() const override { return JobState::kPlanning; }

  StageOutcome Run(const StageContext& ctx) const override {
    auto manifest = ctx.services.planner->Plan(ctx.job.brief);
    if (!manifest) return StageOutcome::FromError(manifest.error());
    manifest->canvas.fps = ctx.services.config->render.fps;
    if (const Language* l = FindLanguage(manifest->lang)) {
      manifest->voice = std::string(l->voice);
      manifest->rtl = l->rtl;
    }
    ProductionManifest pm;
    pm.variants.push_back(std::move(*manifest));
    Json j = ProductionManifestToJson(pm);
    JobPatch patch;
    patch.production_manifest = j;
    ctx.log.Info("planned", {{"scenes", pm.variants[0].scenes.size()},
                             {"duration_s", pm.variants[0].TotalDuration()}});
    return StageOutcome::Done(j, std::move(patch));
  }
};

}  // namespace

std::unique_ptr<Stage> MakePlanStage() { return std::make_unique<PlanStage>(); }

}  // namespace aiprod
