// The stages of the embedded default pipeline, one file each.
#pragma once

#include <memory>

#include "model/manifest.h"
#include "pipeline/stage.h"

namespace aiprod {

std::unique_ptr<Stage> MakePlanStage();
std::unique_ptr<Stage> MakeLocalizeStage();
std::unique_ptr<Stage> MakeConsistencyStage();
std::unique_ptr<Stage> MakeEstimateStage();
std::unique_ptr<Stage> MakeApproveStage();
std::unique_ptr<Stage> MakeRenderStage();
std::unique_ptr<Stage> MakeQaStage();
std::unique_ptr<Stage> MakeDeliverStage();

// Reads the job's production manifest (set by the plan stage onwards).
Result<ProductionManifest> JobManifest(const Job& job);
// "16:9" -> "16x9", for file names.
std::string AspectSlug(const std::string& aspect);

}  // namespace aiprod
