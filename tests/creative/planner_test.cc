// Data-driven planner tests: briefs in, plan properties out.
#include "creative/planner.h"

#include <gtest/gtest.h>

#include "core/files.h"
#include "creative/text_split.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

Brief LoadBrief(const std::string& name) {
  auto text = ReadFile(testing::SourceDir() + "/examples/briefs/" + name + ".json");
  EXPECT_TRUE(text);
  auto j = ParseJsonStrict(*text, "brief");
  EXPECT_TRUE(j);
  auto b = BriefFromJson(*j, BriefLimits{});
  EXPECT_TRUE(b);
  return *b;
}

std::string Normalize(const std::string& s) {
  std::string out;
  for (const auto& w : SplitWords(s)) out += w + " ";
  return out;
}

class ReferenceBriefPlan : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceBriefPlan, MeetsPlanProperties) {
  Brief brief = LoadBrief(GetParam());
  PlannerConfig config;
  DeterministicPlanner planner(config, WordRateTimer(config.words_per_minute));
  auto m = planner.Plan(brief);
  ASSERT_TRUE(m) << m.error().ToString();

  // The narration covers the whole brief, in order, exactly once.
  std::string narration;
  for (const auto& s : m->scenes) {
    ASSERT_TRUE(s.narration);
    narration += s.narration->text + " ";
  }
  EXPECT_EQ(Normalize(narration), Normalize(brief.content));

  // Every scene is within limits and leaves room for its narration.
  for (const auto& s : m->scenes) {
    EXPECT_GE(s.duration_s, config.min_scene_s) << s.id;
    EXPECT_LE(s.duration_s, config.max_scene_s) << s.id;
    double speech = *WordRateTimer(config.words_per_minute)(s.narration->text, brief.lang);
    EXPECT_LE(s.narration->start_s + speech, s.duration_s + 1e-6) << s.id;
    ASSERT_EQ(s.layers.size(), 1u);
    EXPECT_LE(CountWords(s.layers[0].text.text), static_cast<size_t>(config.max_words_on_screen));
    EXPECT_FALSE(s.layers[0].text.text.empty());
  }

  // The video is not much longer than its narration, unless padded up to the
  // duration hint; it never falls short of the hint's lower bound.
  double words = static_cast<double>(CountWords(brief.content));
  double speech_total = 60.0 * words / config.words_per_minute;
  double hint = brief.duration_hint_s.value_or(0);
  EXPECT_LE(m->TotalDuration(), std::max(speech_total * 1.2, hint * 1.15));
  EXPECT_GE(m->TotalDuration(), std::max(speech_total, hint * 0.85));

  // Validates as a manifest.
  EXPECT_TRUE(ManifestFromJson(ManifestToJson(*m)));

  // Deterministic.
  EXPECT_EQ(ManifestToJson(*planner.Plan(brief)), ManifestToJson(*m));
}

INSTANTIATE_TEST_SUITE_P(Briefs, ReferenceBriefPlan,
                         ::testing::Values("coffee-15s", "explainer-60s", "promo-fr"));

TEST(Planner, DurationHintIsHonouredWithinFifteenPercent) {
  Brief b;
  b.content = "Fresh roast, every morning. Our beans are roasted at dawn. Order today.";
  b.duration_hint_s = 20;
  DeterministicPlanner planner(PlannerConfig{}, WordRateTimer(150));
  auto m = planner.Plan(b);
  ASSERT_TRUE(m);
  EXPECT_GE(m->TotalDuration(), 0.85 * 20);
  EXPECT_LE(m->TotalDuration(), 1.15 * 20);
  // Speech is never rushed: a hint shorter than the narration leaves it whole.
  b.duration_hint_s = 2;
  auto rushed = planner.Plan(b);
  ASSERT_TRUE(rushed);
  EXPECT_GT(rushed->TotalDuration(), 5);
}

TEST(Planner, CallToActionGetsItsOwnScene) {
  Brief b;
  b.content = "Fresh roast, every morning. Order today and get your first bag free.";
  DeterministicPlanner planner(PlannerConfig{}, WordRateTimer(150));
  auto m = planner.Plan(b);
  ASSERT_TRUE(m);
  ASSERT_EQ(m->scenes.size(), 2u);
  EXPECT_EQ(m->scenes.back().layers[0].text.role, TextRole::kCta);
  EXPECT_EQ(m->scenes.back().layers[0].text.text, "Order today");
  EXPECT_EQ(m->scenes.front().layers[0].text.role, TextRole::kTitle);
}

TEST(Planner, LongSentencesAreSplitToFitTheMaximumScene) {
  Brief b;
  b.content = std::string("word ") + [] {
    std::string s;
    for (int i = 0; i < 60; ++i) s += "word ";
    return s;
  }() + "end.";
  PlannerConfig config;
  DeterministicPlanner planner(config, WordRateTimer(150));
  auto m = planner.Plan(b);
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_GE(m->scenes.size(), 4u);
  for (const auto& s : m->scenes) EXPECT_LE(s.duration_s, config.max_scene_s);
}

TEST(Planner, TooManyScenesIsAClearError) {
  Brief b;
  for (int i = 0; i < 30; ++i) b.content += "This is one sentence that takes a while. ";
  ManifestLimits limits;
  limits.max_scenes = 3;
  DeterministicPlanner planner(PlannerConfig{}, WordRateTimer(150), limits);
  auto m = planner.Plan(b);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().field, "content");
}

TEST(KeyPhrase, ShortAndMeaningful) {
  EXPECT_EQ(KeyPhrase("Fresh roast, every morning.", 6), "Fresh roast");
  EXPECT_EQ(KeyPhrase("Brewed in ninety seconds, tasting like a café.", 6),
            "Brewed in ninety seconds");
  EXPECT_EQ(KeyPhrase("Order today and get your first bag free.", 6), "Order today");
  EXPECT_EQ(KeyPhrase("Our beans are roasted at dawn and on your doorstep by eight.", 4),
            "Our beans are roasted");
  EXPECT_EQ(KeyPhrase("It moves heat that is already outside into your house.", 6),
            "It moves heat");
}

}  // namespace
}  // namespace aiprod
