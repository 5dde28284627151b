#include "render/text_layout.h"

#include <gtest/gtest.h>

namespace aiprod {
namespace {

const CanvasMapping kHd = CanvasMapping::Fit(1920, 1080, 1920, 1080);

TextLayer Baseline(const std::string& text, double size, double baseline) {
  TextLayer t;
  t.text = text;
  t.font = "DejaVu Sans Bold";
  t.size_px = size;
  t.baseline_y = baseline;
  return t;
}

TEST(TextLayout, BaselineModeCentresOneLine) {
  TextLayer t = Baseline("FRESH ROAST TODAY", 96, 575);  // no descenders
  auto plan = PlanText(t, kHd, "en", false, "scenes[0].layers[0]");
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  EXPECT_DOUBLE_EQ(plan->size_px, 96);
  double centre = (plan->ink_x0 + plan->ink_x1) / 2;
  EXPECT_NEAR(centre, 960, 6);
  EXPECT_NEAR(plan->ink_y1, 575, 1.5);
  EXPECT_NEAR(plan->ink_y0, 575 - 70, 3);  // cap height of DejaVu Sans Bold: 0.73 em
  auto raster = RasterizeText(*plan);
  ASSERT_TRUE(raster.has_value());
  EXPECT_GT(raster->width, 900);
  EXPECT_LT(raster->width, 1300);
  EXPECT_LE(raster->x, plan->ink_x0);
}

TEST(TextLayout, ScalesWithTheCanvas) {
  CanvasMapping half = CanvasMapping::Fit(1920, 1080, 960, 540);
  auto plan = PlanText(Baseline("Hi", 96, 575), half, "en", false, "f");
  ASSERT_TRUE(plan.has_value());
  EXPECT_DOUBLE_EQ(plan->size_px, 48);
  EXPECT_NEAR(plan->ink_y1, 287.5, 2);
}

TEST(TextLayout, BoxShrinksToFit) {
  TextLayer t;
  t.text = "A longer sentence that needs two or three lines";
  t.size_px = 80;
  t.box = Box{100, 100, 800, 200};
  auto plan = PlanText(t, kHd, "en", false, "f");
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  EXPECT_LT(plan->size_px, 80);
  EXPECT_GE(plan->size_px, 40);
  EXPECT_GE(plan->ink_x0, 99);
  EXPECT_LE(plan->ink_x1, 901);
  EXPECT_GE(plan->ink_y0, 99);
  EXPECT_LE(plan->ink_y1, 301);
}

TEST(TextLayout, RolePlacementStaysInTheSafeArea) {
  for (TextRole role : {TextRole::kTitle, TextRole::kSubtitle, TextRole::kBody, TextRole::kCaption,
                        TextRole::kCta}) {
    TextLayer t;
    t.text = "Placed by its role in the frame";
    t.role = role;
    auto plan = PlanText(t, kHd, "en", false, "f");
    ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
    EXPECT_GE(plan->ink_x0, 0.1 * 1920 - 1);
    EXPECT_LE(plan->ink_x1, 0.9 * 1920 + 1);
    EXPECT_GE(plan->ink_y0, 0.05 * 1080);
    EXPECT_LE(plan->ink_y1, 0.95 * 1080);
    if (role == TextRole::kTitle) {
      EXPECT_LT(plan->ink_y1, 540);
    } else if (role == TextRole::kSubtitle) {
      EXPECT_GT(plan->ink_y0, 540);
    } else if (role == TextRole::kCaption) {
      EXPECT_GT(plan->ink_y0, 1080 * 0.6);
    }
  }
}

TEST(TextLayout, UnknownFontIsAnError) {
  TextLayer t = Baseline("Hi", 40, 100);
  t.font = "Comic Sans MS";
  auto plan = PlanText(t, kHd, "en", false, "scenes[3].layers[1]");
  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(plan.error().field, "scenes[3].layers[1].font");
  EXPECT_TRUE(CheckFontInstalled("Noto Sans CJK JP Bold", "f").has_value());
  EXPECT_TRUE(CheckFontInstalled("sans-serif", "f").has_value());
  EXPECT_TRUE(CheckFontInstalled("DejaVu Sans Mono", "f").has_value());
}

TEST(TextLayout, TooWideForTheCanvas) {
  auto plan = PlanText(Baseline(std::string(200, 'W'), 96, 500), kHd, "en", false, "x");
  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(plan.error().field, "x.text");
}

}  // namespace
}  // namespace aiprod
