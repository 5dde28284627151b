// Consistency markers: applies a brand kit to every scene of a manifest
// (palette, fonts, safe area) and records, per scene, what QA should find.
#pragma once

#include "core/json.h"
#include "model/brand.h"
#include "model/manifest.h"

namespace aiprod {

// WCAG 2 contrast ratio between two opaque colours (1..21).
double ContrastRatio(const Color& a, const Color& b);

struct BrandApplication {
  Json markers;                           // per-scene markers + findings
  std::vector<std::string> banned_found;  // banned words present in the text
};

// Rewrites backgrounds, text colours and fonts of `m` from `kit`. Deterministic.
BrandApplication ApplyBrand(Manifest& m, const BrandKit& kit);

}  // namespace aiprod
