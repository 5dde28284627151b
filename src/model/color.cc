#include "model/color.h"

#include <cstdio>

namespace aiprod {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Color::ToHex() const {
  char buf[10];
  if (a == 255) {
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", r, g, b);
  } else {
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x%02x", r, g, b, a);
  }
  return buf;
}

Result<Color> ParseColor(std::string_view text, std::string_view field) {
  if ((text.size() != 7 && text.size() != 9) || text[0] != '#') {
    return Invalid(std::string(field), "must be a colour like #RRGGBB or #RRGGBBAA");
  }
  uint8_t v[4] = {0, 0, 0, 255};
  for (size_t i = 1; i < text.size(); i += 2) {
    int hi = HexDigit(text[i]), lo = HexDigit(text[i + 1]);
    if (hi < 0 || lo < 0) {
      return Invalid(std::string(field), "must be a colour like #RRGGBB or #RRGGBBAA");
    }
    v[i / 2] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return Color{v[0], v[1], v[2], v[3]};
}

}  // namespace aiprod
