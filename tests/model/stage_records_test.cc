// The stages' records: each JSON mapping reads back what it writes and names
// the field of a malformed document instead of throwing.
#include <gtest/gtest.h>

#include "model/cost_estimate.h"
#include "model/event_type.h"
#include "model/job_qa.h"
#include "model/render_result.h"

namespace aiprod {
namespace {

TEST(RenderResult, RoundTrips) {
  Rendition r;
  r.lang = "fr";
  r.aspect = "9:16";
  r.video = "/w/fr-9x16.mp4";
  r.captions = "/w/fr-9x16.vtt";
  r.width = 1080;
  r.height = 1920;
  r.duration_s = 12.5;
  r.frames = 375;
  r.narration_cues = {{0, 0.4, 2.1}, {1, 3.0, 5.5}};
  r.cache_hits = 2;
  r.render_seconds = 1.25;
  auto back = RenderResultFromJson(RenderResultToJson({{r}}));
  ASSERT_TRUE(back) << back.error().ToString();
  ASSERT_EQ(back->renditions.size(), 1u);
  const Rendition& b = back->renditions[0];
  EXPECT_EQ(b.lang, "fr");
  EXPECT_EQ(b.video, r.video);
  EXPECT_EQ(b.captions, r.captions);
  EXPECT_EQ(b.height, 1920);
  EXPECT_EQ(b.frames, 375);
  ASSERT_EQ(b.narration_cues.size(), 2u);
  EXPECT_EQ(b.narration_cues[1].scene, 1u);
  EXPECT_DOUBLE_EQ(b.narration_cues[1].end_s, 5.5);
  EXPECT_EQ(b.cache_hits, 2);
  EXPECT_DOUBLE_EQ(b.render_seconds, 1.25);
}

TEST(RenderResult, NullIsNothingRendered) {
  auto r = RenderResultFromJson(nullptr);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->renditions.empty());
}

TEST(RenderResult, MalformedFieldsAreNamed) {
  Json j = {{"renditions", {{{"video", "a.mp4"}, {"width", "wide"}, {"height", 360}}}}};
  auto r = RenderResultFromJson(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(r.error().field, "render_result.renditions[0].width");
  j = {{"renditions",
        {{{"video", "a.mp4"}, {"width", 1}, {"height", 1}, {"narration_cues", {{{"scene", 0}}}}}}}};
  r = RenderResultFromJson(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "render_result.renditions[0].narration_cues[0].start_s");
  EXPECT_FALSE(RenderResultFromJson({{"renditions", 3}}));
  EXPECT_FALSE(RenderResultFromJson(Json::array()));
}

TEST(JobQaReport, RoundTripsWithTheCheckReport) {
  JobQaReport q;
  q.passed = false;
  q.score = 0.5;
  q.summary = "en 16:9: 1/2 checks passed\n";
  q.renditions.push_back(
      {"en", "16:9", "/w/en.mp4", 0.75, false, {{"score", 0.5}, {"checks", Json::array()}}});
  Json j = JobQaReportToJson(q);
  EXPECT_EQ(j["renditions"][0]["lang"], "en");
  EXPECT_EQ(j["renditions"][0]["score"], 0.5);  // the check report's keys, flat
  auto back = JobQaReportFromJson(j);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_FALSE(back->passed);
  EXPECT_DOUBLE_EQ(back->score, 0.5);
  ASSERT_EQ(back->renditions.size(), 1u);
  EXPECT_EQ(back->renditions[0].video, "/w/en.mp4");
  EXPECT_EQ(back->renditions[0].report,
            Json({{"passed", false}, {"score", 0.5}, {"checks", Json::array()}}));
  EXPECT_EQ(JobQaReportFromJson({{"renditions", {{{"aspect", "1:1"}}}}}).error().field,
            "qa_report.renditions[0].lang");
}

TEST(CostEstimate, RoundTripsWithTheBudget) {
  CostEstimate e;
  e.renditions.push_back({"en", "1:1", 10, 14.0625});
  e.cpu_s = 14.0625;
  e.usd = 0.0001875;
  e.expected_wall_s = 7;
  e.budget = BudgetView{"acme", 100, 50, 50.0001875, 0.500001875};
  Json j = CostEstimateToJson(e);
  EXPECT_EQ(j["currency"], "USD");
  EXPECT_EQ(j["stages"]["render"]["usd"], e.usd);
  auto back = CostEstimateFromJson(j);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_DOUBLE_EQ(back->usd, e.usd);
  ASSERT_EQ(back->renditions.size(), 1u);
  EXPECT_EQ(back->renditions[0].aspect, "1:1");
  ASSERT_TRUE(back->budget);
  EXPECT_EQ(back->budget->brand_id, "acme");
  EXPECT_DOUBLE_EQ(back->budget->spent_this_month_usd, 50);
  j.erase("budget");
  EXPECT_FALSE(CostEstimateFromJson(j)->budget);
  j["usd"] = "cheap";
  EXPECT_EQ(CostEstimateFromJson(j).error().field, "cost_estimate.usd");
}

TEST(EventType, NamesAreOneTableBothWays) {
  for (EventType t :
       {EventType::kCreated, EventType::kStateChanged, EventType::kStageStarted,
        EventType::kRetryScheduled, EventType::kParkedForApproval, EventType::kApproved,
        EventType::kRejected, EventType::kManifestEdited, EventType::kCancelRequested,
        EventType::kLeaseBroken, EventType::kBudgetAlert}) {
    EXPECT_EQ(EventTypeFromName(EventTypeName(t)), t) << EventTypeName(t);
  }
  EXPECT_EQ(EventTypeName(EventType::kRetryScheduled), "retry_scheduled");
  EXPECT_EQ(EventTypeName(EventType::kBudgetAlert), "budget_alert");
  EXPECT_FALSE(EventTypeFromName("no_such_event"));
}

}  // namespace
}  // namespace aiprod
