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
    std::string note;
    auto kit = ResolveBrandKit(ctx, &note);
    if (!kit) return StageOutcome::FromError(kit.error());
    if (!note.empty()) ctx.log.Warn(note);
    Json variants = Json::array();
    Json banned = Json::array();
    for (auto& v : pm->variants) {
      BrandApplication applied = ApplyBrand(v, *kit);
      variants.push_back(applied.markers);
      for (const auto& w : applied.banned_found) banned.push_back(w);
    }
    if (!banned.empty()) {
      ctx.log.Warn("banned words in the brief", {{"words", banned}});
      if (kit->fail_on_banned) {
        return StageOutcome::FromError(
            {ErrorCode::kInvalidInput,
             "brand " + kit->brand_id + " bans words found in the brief: " + banned.dump(),
             "content"});
      }
    }
    Json markers = {{"brand_id", kit->brand_id}, {"variants", variants}, {"banned_words", banned}};
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
