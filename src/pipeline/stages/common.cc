#include "pipeline/runner.h"
#include "pipeline/stages/stages.h"

namespace aiprod {

Result<ProductionManifest> JobManifest(const Job& job) {
  if (job.production_manifest.is_null()) {
    return Fail(ErrorCode::kInternal, "job " + job.id + " has no production manifest yet");
  }
  return ProductionManifestFromJson(job.production_manifest);
}

Result<ProductionManifest> ApprovedManifest(const Job& job) {
  if (job.approved_revision &&
      ManifestRevision(job.production_manifest) != *job.approved_revision) {
    return Fail(ErrorCode::kConflict,
                "job " + job.id + ": the manifest is at revision " +
                    std::to_string(ManifestRevision(job.production_manifest)) + " but revision " +
                    std::to_string(*job.approved_revision) +
                    " was approved; refusing to render what nobody approved");
  }
  return JobManifest(job);
}

Result<BrandKit> ResolveBrandKit(const StageContext& ctx, std::string* note) {
  const Job& job = ctx.job;
  if (job.options.contains("brand_kit")) return BrandKitFromJson(job.options["brand_kit"]);
  if (job.brief.brand_id.empty()) return DefaultBrandKit();
  auto found = ctx.services.brands->Find(job.brief.brand_id);
  if (!found && found.error().code == ErrorCode::kNotFound &&
      ctx.services.config->unknown_brand == "default") {
    *note = "brand '" + job.brief.brand_id + "' is not registered; the default kit was used";
    return DefaultBrandKit();
  }
  return found;
}

std::string AspectSlug(const std::string& aspect) {
  std::string s = aspect;
  for (char& c : s) c = c == ':' ? 'x' : c;
  return s;
}

std::vector<std::unique_ptr<Stage>> DefaultStages() {
  std::vector<std::unique_ptr<Stage>> s;
  s.push_back(MakePlanStage());
  s.push_back(MakeLocalizeStage());
  s.push_back(MakeConsistencyStage());
  s.push_back(MakeEstimateStage());
  s.push_back(MakeApproveStage());
  s.push_back(MakeRenderStage());
  s.push_back(MakeQaStage());
  s.push_back(MakeDeliverStage());
  return s;
}

}  // namespace aiprod
