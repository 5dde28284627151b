// Cost estimate: what a job will cost and how long it will take, before
// anything expensive runs. Local rendering is priced from CPU-seconds per
// output second (measured; `cost.cpu_s_per_output_s`) and a price per CPU-hour.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "model/cost_estimate.h"
#include "model/manifest.h"

namespace aiprod {

// Pixels of an aspect ratio's rendition relative to 1080p (1:1 is 0.5625).
double PixelFactor(const std::string& aspect);

CostEstimate EstimateCost(const ProductionManifest& pm, const std::vector<std::string>& aspects,
                          const CostConfig& cost, unsigned cores);

}  // namespace aiprod
