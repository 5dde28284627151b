#include "render/settings.h"

#include <gtest/gtest.h>

namespace aiprod {
namespace {

TEST(Settings, AspectRatios) {
  RenderConfig c;
  c.crf = 20;
  c.voice_rate_wpm = 170;
  auto wide = SettingsForAspect("16:9", c, false);
  ASSERT_TRUE(wide.has_value());
  EXPECT_EQ(wide->width, 1920);
  EXPECT_EQ(wide->height, 1080);
  EXPECT_EQ(wide->crf, 20);
  EXPECT_EQ(wide->voice_rate_wpm, 170);
  EXPECT_EQ(wide->x264_preset, "veryfast");
  auto tall = SettingsForAspect("9:16", c, false);
  EXPECT_EQ(tall->width, 1080);
  EXPECT_EQ(tall->height, 1920);
  auto square = SettingsForAspect("1:1", c, true);
  EXPECT_EQ(square->width, 540);
  EXPECT_EQ(square->height, 540);
  EXPECT_EQ(square->x264_preset, "ultrafast");
  EXPECT_TRUE(square->draft);
}

// Segments run in parallel only when their encoders fit the memory budget:
// at 1080p on 2 cores the default (300 MB) allows one job with 2 x264
// threads; 450 MB allows two jobs of one thread each.
TEST(Settings, MemoryBudgetDecidesParallelSegments) {
  RenderConfig c;
  c.threads = 2;
  auto s = SettingsForAspect("16:9", c, false);
  ASSERT_TRUE(s);
  ThreadPlan p = PlanThreads(*s);
  EXPECT_EQ(p.jobs, 1);
  EXPECT_EQ(p.encoder_threads, 2);
  c.memory_budget_mb = 450;
  s = SettingsForAspect("16:9", c, false);
  ASSERT_TRUE(s);
  p = PlanThreads(*s);
  EXPECT_EQ(p.jobs, 2);
  EXPECT_EQ(p.encoder_threads, 1);
}

TEST(Settings, RejectsBadValues) {
  auto r = SettingsForAspect("4:3", RenderConfig{}, false);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().field, "aspect");

  RenderConfig c;
  c.x264_preset = "warp";
  r = SettingsForAspect("16:9", c, false);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().field, "settings.x264_preset");

  RenderSettings s;
  s.height = 1081;
  EXPECT_EQ(ValidateSettings(s).error().field, "settings.height");
  s = {};
  s.width = 10000;
  EXPECT_EQ(ValidateSettings(s).error().field, "settings.width");
  s = {};
  s.crf = 60;
  EXPECT_EQ(ValidateSettings(s).error().field, "settings.crf");
  s = {};
  s.max_asset_mb = 0;
  EXPECT_EQ(ValidateSettings(s).error().field, "settings.max_asset_mb");
  s = {};
  s.max_image_megapixels = 257;
  EXPECT_EQ(ValidateSettings(s).error().field, "settings.max_image_megapixels");
  EXPECT_TRUE(ValidateSettings(RenderSettings{}).has_value());
}

}  // namespace
}  // namespace aiprod
