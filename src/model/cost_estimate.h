// What a job will cost and how long it will take (the estimate stage's
// checkpoint and Job::cost_estimate), with the brand's budget when it has one.
// One JSON mapping; creative/cost.h computes it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"

namespace aiprod {

struct RenditionEstimate {
  std::string lang, aspect;
  double output_s = 0;
  double cpu_s = 0;
};

// The brand's monthly budget as this job would leave it.
struct BudgetView {
  std::string brand_id;
  double monthly_budget_usd = 0;
  double spent_this_month_usd = 0;
  double after_this_job_usd = 0;
  double ratio = 0;  // after / budget
};

struct CostEstimate {
  std::vector<RenditionEstimate> renditions;
  double cpu_s = 0;
  double usd = 0;
  double expected_wall_s = 0;
  std::optional<BudgetView> budget;
};

Json CostEstimateToJson(const CostEstimate& e);
// kInvalidInput naming the field on a malformed estimate.
Result<CostEstimate> CostEstimateFromJson(const Json& j);

}  // namespace aiprod
