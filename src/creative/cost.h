// Cost estimate: what a job will cost and how long it will take, before
// anything expensive runs. Local rendering is priced from CPU-seconds per
// output second (measured; `cost.cpu_s_per_output_s`) and a price per CPU-hour.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/json.h"
#include "model/manifest.h"

namespace aiprod {

struct RenditionEstimate {
  std::string lang, aspect;
  double output_s = 0;
  double cpu_s = 0;
};

struct CostEstimate {
  std::vector<RenditionEstimate> renditions;
  double cpu_s = 0;
  double usd = 0;
  double expected_wall_s = 0;
  Json ToJson() const;
};

// Pixels of an aspect ratio's rendition relative to 1080p (1:1 is 0.5625).
double PixelFactor(const std::string& aspect);

CostEstimate EstimateCost(const ProductionManifest& pm, const std::vector<std::string>& aspects,
                          const CostConfig& cost, unsigned cores);

}  // namespace aiprod
