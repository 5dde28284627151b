#include "pipeline/runner.h"
#include "pipeline/stages/stages.h"

namespace aiprod {

Result<ProductionManifest> JobManifest(const Job& job) {
  if (job.production_manifest.is_null()) {
    return Fail(ErrorCode::kInternal, "job " + job.id + " has no production manifest yet");
  }
  return ProductionManifestFromJson(job.production_manifest);
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
