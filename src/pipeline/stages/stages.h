// The stages of the embedded default pipeline, one file each.
#pragma once

#include <memory>

#include "creative/planner.h"
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
// The manifest to render: the job's, provided it is the revision that was
// approved (kConflict otherwise; the store refuses edits of an approved job,
// so this is a last check). Jobs approved before approved_revision was
// recorded have none to compare.
Result<ProductionManifest> ApprovedManifest(const Job& job);
// The job's brand kit: the one sent with the request, else the registered kit
// named by brand_id, else the default (when `unknown_brand` allows). `note`
// says when the default stood in for an unregistered brand.
Result<BrandKit> ResolveBrandKit(const StageContext& ctx, std::string* note);

// "16:9" -> "16x9", for file names.
std::string AspectSlug(const std::string& aspect);

}  // namespace aiprod
