#include "creative/cost.h"

#include <algorithm>

namespace aiprod {

double PixelFactor(const std::string& aspect) { return aspect == "1:1" ? 0.5625 : 1.0; }

CostEstimate EstimateCost(const ProductionManifest& pm, const std::vector<std::string>& aspects,
                          const CostConfig& cost, unsigned cores) {
  CostEstimate e;
  for (const auto& v : pm.variants) {
    for (const auto& a : aspects) {
      RenditionEstimate r{v.lang, a, v.TotalDuration(), 0};
      r.cpu_s = r.output_s * cost.cpu_s_per_output_s * PixelFactor(a);
      e.cpu_s += r.cpu_s;
      e.renditions.push_back(r);
    }
  }
  e.usd = e.cpu_s / 3600.0 * cost.cpu_price_per_hour_usd;
  e.expected_wall_s = e.cpu_s / std::max(1u, cores);
  return e;
}

}  // namespace aiprod
