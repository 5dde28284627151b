// A brand kit: palette, fonts, logo, safe area, tone, banned words, budget.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "model/color.h"

namespace aiprod {

struct BrandKit {
  std::string brand_id = "default";
  std::string name = "AIPROD default";
  Color primary{0x1e, 0x2a, 0x38, 255};
  Color secondary{0x3d, 0x5a, 0x80, 255};
  Color accent{0xee, 0x6c, 0x4d, 255};
  Color text{255, 255, 255, 255};
  std::string heading_font = "DejaVu Sans Bold";
  std::string body_font = "DejaVu Sans";
  std::optional<std::string> logo;  // asset path, relative to the brand's directory
  double safe_area_pct = 5;
  std::vector<std::string> tone;
  std::vector<std::string> banned_words;
  // "banned_words_action": "flag" (default) records banned words found in the
  // brief in the consistency markers; "fail" stops the job before render.
  bool fail_on_banned = false;
  std::vector<std::string> do_not_translate;
  std::optional<double> monthly_budget_usd;
};

// The kit used when a brief names no brand (or an unregistered one, if the
// `unknown_brand` setting allows it).
BrandKit DefaultBrandKit();

Result<BrandKit> BrandKitFromJson(const Json& j);
Json BrandKitToJson(const BrandKit& b);

}  // namespace aiprod
