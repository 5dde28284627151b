#include "model/brand.h"

#include <gtest/gtest.h>

#include "core/files.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

TEST(BrandKit, ReferenceKitParses) {
  auto text = ReadFile(testing::SourceDir() + "/brands/northwind-coffee.json");
  ASSERT_TRUE(text);
  auto j = ParseJsonStrict(*text, "brand kit");
  ASSERT_TRUE(j);
  auto kit = BrandKitFromJson(*j);
  ASSERT_TRUE(kit) << kit.error().ToString();
  EXPECT_EQ(kit->primary, (Color{0x3b, 0x23, 0x14, 255}));
  EXPECT_EQ(kit->heading_font, "DejaVu Sans Bold");
  EXPECT_EQ(kit->banned_words.size(), 2u);
  EXPECT_EQ(*kit->monthly_budget_usd, 500);
  auto again = BrandKitFromJson(BrandKitToJson(*kit));
  ASSERT_TRUE(again);
  EXPECT_EQ(BrandKitToJson(*again), BrandKitToJson(*kit));
}

TEST(BrandKit, Errors) {
  EXPECT_EQ(BrandKitFromJson({{"name", "x"}}).error().field, "brand_id");
  EXPECT_EQ(BrandKitFromJson({{"brand_id", "b"}, {"palette", {{"primary", "#12"}}}}).error().field,
            "palette.primary");
  EXPECT_EQ(BrandKitFromJson({{"brand_id", "b"}, {"safe_area_pct", 80}}).error().field,
            "safe_area_pct");
  EXPECT_EQ(BrandKitFromJson({{"brand_id", "b"}, {"banned_words", {"ok", 3}}}).error().field,
            "banned_words[1]");
}

}  // namespace
}  // namespace aiprod
