#include "creative/brand_style.h"

#include <gtest/gtest.h>

#include "creative/cost.h"

namespace aiprod {
namespace {

Manifest TwoScenes() {
  Manifest m;
  for (int i = 0; i < 2; ++i) {
    Scene s;
    s.id = "s" + std::to_string(i + 1);
    Layer l;
    l.text.text = i == 0 ? "Cheap coffee" : "Order now";
    l.text.role = i == 0 ? TextRole::kTitle : TextRole::kCta;
    s.layers.push_back(l);
    s.narration = Narration{"We guarantee it.", 0.2};
    m.scenes.push_back(s);
  }
  return m;
}

TEST(Contrast, KnownValues) {
  EXPECT_NEAR(ContrastRatio({0, 0, 0, 255}, {255, 255, 255, 255}), 21.0, 1e-9);
  EXPECT_NEAR(ContrastRatio({10, 20, 30, 255}, {10, 20, 30, 255}), 1.0, 1e-9);
}

TEST(ApplyBrand, PaletteFontsMarkersAndBannedWords) {
  BrandKit kit;
  kit.brand_id = "nw";
  kit.primary = {0x3b, 0x23, 0x14, 255};
  kit.secondary = {0xc8, 0xa2, 0x7a, 255};  // too light for white text
  kit.accent = {0xf2, 0xc1, 0x4e, 255};
  kit.text = {255, 255, 255, 255};
  kit.heading_font = "DejaVu Sans Bold";
  kit.banned_words = {"cheap", "guarantee"};
  Manifest m = TwoScenes();
  auto applied = ApplyBrand(m, kit);
  for (const auto& s : m.scenes) {
    EXPECT_GE(ContrastRatio(s.background.from, kit.text), 3.0) << s.id;
    EXPECT_EQ(s.layers[0].text.color, kit.text);
    EXPECT_EQ(s.layers[0].text.font, "DejaVu Sans Bold");
  }
  EXPECT_EQ(applied.banned_found, (std::vector<std::string>{"cheap", "guarantee"}));
  ASSERT_EQ(applied.markers["scenes"].size(), 2u);
  EXPECT_EQ(applied.markers["scenes"][0]["palette"][0], "#3b2314");
  EXPECT_EQ(applied.markers["scenes"][0]["style_hash"].get<std::string>().size(), 16u);
}

TEST(ApplyBrand, UnreadablePaletteFallsBackToContrastingText) {
  BrandKit kit;
  kit.primary = kit.secondary = kit.accent = {250, 250, 250, 255};
  kit.text = {255, 255, 255, 255};
  Manifest m = TwoScenes();
  ApplyBrand(m, kit);
  EXPECT_EQ(m.scenes[0].layers[0].text.color, (Color{0, 0, 0, 255}));
}

TEST(Cost, ScalesWithDurationRenditionsAndPixels) {
  ProductionManifest pm;
  Manifest m = TwoScenes();
  m.scenes[0].duration_s = 4;
  m.scenes[1].duration_s = 6;
  pm.variants = {m, m};
  CostConfig cfg;
  cfg.cpu_s_per_output_s = 2;
  cfg.cpu_price_per_hour_usd = 3.6;
  auto e = EstimateCost(pm, {"16:9", "1:1"}, cfg, 2);
  ASSERT_EQ(e.renditions.size(), 4u);
  EXPECT_DOUBLE_EQ(e.cpu_s, 2 * (10 * 2 + 10 * 2 * 0.5625));
  EXPECT_DOUBLE_EQ(e.usd, e.cpu_s / 1000);
  EXPECT_DOUBLE_EQ(e.expected_wall_s, e.cpu_s / 2);
}

}  // namespace
}  // namespace aiprod
