#include "creative/brand_style.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/hash.h"
#include "creative/text_split.h"

namespace aiprod {
namespace {

double Linear(uint8_t v) {
  double c = v / 255.0;
  return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double Luminance(const Color& c) {
  return 0.2126 * Linear(c.r) + 0.7152 * Linear(c.g) + 0.0722 * Linear(c.b);
}

Color Darken(const Color& c, double f) {
  auto d = [f](uint8_t v) { return static_cast<uint8_t>(std::lround(v * (1 - f))); };
  return Color{d(c.r), d(c.g), d(c.b), c.a};
}

// Banned words present as whole words (case-insensitive), in the kit's order.
std::vector<std::string> FindBanned(const Manifest& m, const BrandKit& kit) {
  std::set<std::string> words;
  auto scan = [&](const std::string& text) {
    for (const auto& w : SplitWords(text)) words.insert(ToLowerAscii(StripTrailingPunctuation(w)));
  };
  for (const auto& s : m.scenes) {
    if (s.narration) scan(s.narration->text);
    for (const auto& l : s.layers) {
      if (l.kind == Layer::Kind::kText) scan(l.text.text);
    }
  }
  std::vector<std::string> found;
  for (const auto& banned : kit.banned_words) {
    if (words.contains(ToLowerAscii(banned))) found.push_back(banned);
  }
  return found;
}

}  // namespace

double ContrastRatio(const Color& a, const Color& b) {
  double la = Luminance(a), lb = Luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

BrandApplication ApplyBrand(Manifest& m, const BrandKit& kit) {
  // Backgrounds: palette colours that the text colour reads well on (WCAG
  // large-text contrast 3:1); if none does, the primary with black or white text.
  Color text = kit.text;
  std::vector<Color> backgrounds;
  for (const Color& c : {kit.primary, kit.secondary, kit.accent}) {
    if (ContrastRatio(c, text) >= 3.0) backgrounds.push_back(c);
  }
  if (backgrounds.empty()) {
    backgrounds.push_back(kit.primary);
    Color white{255, 255, 255, 255}, black{0, 0, 0, 255};
    text = ContrastRatio(kit.primary, white) >= ContrastRatio(kit.primary, black) ? white : black;
  }
  bool accent_ok = ContrastRatio(kit.accent, text) >= 3.0;

  BrandApplication out;
  Json scenes = Json::array();
  for (size_t i = 0; i < m.scenes.size(); ++i) {
    Scene& s = m.scenes[i];
    bool cta = std::any_of(s.layers.begin(), s.layers.end(), [](const Layer& l) {
      return l.kind == Layer::Kind::kText && l.text.role == TextRole::kCta;
    });
    Color base = cta && accent_ok ? kit.accent : backgrounds[i % backgrounds.size()];
    s.background.kind = Background::Kind::kLinear;
    s.background.from = base;
    s.background.to = Darken(base, 0.25);
    s.background.direction = Background::Direction::kToBottom;
    Json fonts = Json::array();
    for (auto& l : s.layers) {
      if (l.kind != Layer::Kind::kText) continue;
      bool heading = l.text.role == TextRole::kTitle || l.text.role == TextRole::kCta;
      l.text.font = heading ? kit.heading_font : kit.body_font;
      l.text.color = text;
      if (std::find(fonts.begin(), fonts.end(), l.text.font) == fonts.end()) {
        fonts.push_back(l.text.font);
      }
    }
    Json style = {{"background", {s.background.from.ToHex(), s.background.to.ToHex()}},
                  {"text_color", text.ToHex()},
                  {"fonts", fonts},
                  {"safe_area_pct", kit.safe_area_pct}};
    scenes.push_back({{"scene_id", s.id},
                      {"style_hash", Sha256Hex(style.dump()).substr(0, 16)},
                      {"palette", {s.background.from.ToHex(), text.ToHex()}},
                      {"fonts", fonts},
                      {"assets", Json::array()}});
  }
  out.banned_found = FindBanned(m, kit);
  out.markers = {{"lang", m.lang},
                 {"brand_id", kit.brand_id},
                 {"scenes", scenes},
                 {"banned_words_found", out.banned_found}};
  return out;
}

}  // namespace aiprod
