// sRGB colours as written in manifests and brand kits: "#RRGGBB" or "#RRGGBBAA".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace aiprod {

struct Color {
  uint8_t r = 0, g = 0, b = 0, a = 255;
  bool operator==(const Color&) const = default;
  std::string ToHex() const;  // "#rrggbb", or "#rrggbbaa" when not opaque
};

// `field` names the input in the error message.
Result<Color> ParseColor(std::string_view text, std::string_view field);

}  // namespace aiprod
