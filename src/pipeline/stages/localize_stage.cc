// localize (visual translation): one variant per target language. This first
// version keeps the source language only and records the languages it skipped.
#include "model/language.h"
#include "pipeline/stages/stages.h"

namespace aiprod {
namespace {

class LocalizeStage final : public Stage {
 public:
  std::string_view Name() const override { return "localize"; }
  JobState State() const override { return JobState::kLocalizing; }

  StageOutcome Run(const StageContext& ctx) const override {
    auto pm = JobManifest(ctx.job);
    if (!pm) return StageOutcome::FromError(pm.error());
    const Manifest source = pm->variants.front();
    Json skipped = Json::array();
    for (const auto& lang : ctx.job.brief.target_langs) {
      if (lang == source.lang) continue;
      skipped.push_back({{"lang", lang},
                         {"reason", "machine translation is not available in this build"}});
      ctx.log.Warn("target language skipped", {{"lang", lang}});
    }
    pm->variants = {source};
    Json j = ProductionManifestToJson(*pm);
    JobPatch patch;
    patch.production_manifest = j;
    return StageOutcome::Done({{"variants", Json::array({source.lang})}, {"skipped", skipped}},
                              std::move(patch));
  }
};

}  // namespace

std::unique_ptr<Stage> MakeLocalizeStage() { return std::make_unique<LocalizeStage>(); }

}  // namespace aiprod
