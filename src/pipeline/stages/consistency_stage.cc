// consistency (markers): applies the brand kit to every variant and records
// per-scene markers for QA.
#include "creative/brand_style.h"
#include "pipeline/stages/stages.h"

namespace aiprod {
namespace {

class ConsistencyStage final : public Stage {
 public:
  std::string_view Name() const override { return "consistency"; }
  JobState State() const override { return JobState::kCheckingConsistency; }

  StageOutcome Run(const StageContext& ctx) const override {
    auto pm = JobManifest(ctx.job);
    if (!pm) return StageOutcome::FromError(pm.error());
    const std::string& brand_id = ctx.job.brief.brand_id;
    BrandKit kit = DefaultBrandKit();
    std::string note;
    if (ctx.job.options.contains("brand_kit")) {
      // A kit given with the request (`aiprod run --brand FILE`) travels with the job.
      auto given = BrandKitFromJson(ctx.job.options["brand_kit"]);
      if (!given) return StageOutcome::FromError(given.error());
      kit = *given;
    } else if (!brand_id.empty()) {
      auto found = ctx.services.brands->Find(brand_id);
      if (found) {
        kit = *found;
      } else if (found.error().code == ErrorCode::kNotFound &&
                 ctx.services.config->unknown_brand == "default") {
        note = "brand '" + brand_id + "' is not registered; the default kit was used";
        ctx.log.Warn(note);
      } else {
        return StageOutcome::FromError(found.error());
      }
    }
    Json variants = Json::array();
    Json banned = Json::array();
    for (auto& v : pm->variants) {
      BrandApplication applied = ApplyBrand(v, kit);
      variants.push_back(applied.markers);
      for (const auto& w : applied.banned_found) banned.push_back(w);
    }
    if (!banned.empty()) ctx.log.Warn("banned words in the brief", {{"words", banned}});
    Json markers = {{"brand_id", kit.brand_id}, {"variants", variants}};
    if (!note.empty()) markers["note"] = note;
    Json j = ProductionManifestToJson(*pm);
    JobPatch patch;
    patch.production_manifest = j;
    patch.consistency_markers = markers;
    return StageOutcome::Done(markers, std::move(patch));
  }
};

}  // namespace

std::unique_ptr<Stage> MakeConsistencyStage() { return std::make_unique<ConsistencyStage>(); }

}  // namespace aiprod
