#include "model/cost_estimate.h"

#include <limits>

namespace aiprod {
namespace {

constexpr double kMax = std::numeric_limits<double>::max();

Result<BudgetView> BudgetFromJson(const Json& j, const std::string& path) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, path));
  BudgetView b;
  AIPROD_ASSIGN(b.brand_id, r.String("brand_id"));
  AIPROD_ASSIGN(b.monthly_budget_usd, r.Number("monthly_budget_usd", 0, kMax));
  AIPROD_ASSIGN(b.spent_this_month_usd, r.Number("spent_this_month_usd", 0, kMax));
  AIPROD_ASSIGN(b.after_this_job_usd, r.Number("after_this_job_usd", 0, kMax));
  AIPROD_ASSIGN(b.ratio, r.Number("ratio", 0, kMax));
  return b;
}

}  // namespace

Json CostEstimateToJson(const CostEstimate& e) {
  Json rs = Json::array();
  for (const auto& r : e.renditions) {
    rs.push_back(
        {{"lang", r.lang}, {"aspect", r.aspect}, {"output_s", r.output_s}, {"cpu_s", r.cpu_s}});
  }
  Json j = {{"backend", "local"},
            {"stages", {{"render", {{"cpu_s", e.cpu_s}, {"usd", e.usd}}}}},
            {"renditions", rs},
            {"cpu_s", e.cpu_s},
            {"usd", e.usd},
            {"currency", "USD"},
            {"expected_wall_s", e.expected_wall_s}};
  if (e.budget) {
    j["budget"] = {{"brand_id", e.budget->brand_id},
                   {"monthly_budget_usd", e.budget->monthly_budget_usd},
                   {"spent_this_month_usd", e.budget->spent_this_month_usd},
                   {"after_this_job_usd", e.budget->after_this_job_usd},
                   {"ratio", e.budget->ratio}};
  }
  return j;
}

Result<CostEstimate> CostEstimateFromJson(const Json& j) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, "cost_estimate"));
  CostEstimate e;
  AIPROD_ASSIGN(e.cpu_s, r.Number("cpu_s", 0, kMax));
  AIPROD_ASSIGN(e.usd, r.Number("usd", 0, kMax));
  AIPROD_ASSIGN(auto wall, r.OptNumber("expected_wall_s", 0, kMax));
  e.expected_wall_s = wall.value_or(0);
  const Json* list = r.Find("renditions");
  if (list && !list->is_array()) return Invalid(r.PathOf("renditions"), "must be an array");
  for (size_t i = 0; list && i < list->size(); ++i) {
    AIPROD_ASSIGN(auto x, ObjectReader::Open((*list)[i], ItemPath(r.PathOf("renditions"), i)));
    RenditionEstimate re;
    AIPROD_ASSIGN(re.lang, x.String("lang"));
    AIPROD_ASSIGN(re.aspect, x.String("aspect"));
    AIPROD_ASSIGN(re.output_s, x.Number("output_s", 0, kMax));
    AIPROD_ASSIGN(re.cpu_s, x.Number("cpu_s", 0, kMax));
    e.renditions.push_back(std::move(re));
  }
  if (const Json* b = r.Find("budget"); b && !b->is_null()) {
    AIPROD_ASSIGN(e.budget, BudgetFromJson(*b, r.PathOf("budget")));
  }
  return e;
}

}  // namespace aiprod
