#include "model/job.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace aiprod {
namespace {

Job FullJob() {
  Job job;
  job.id = "01a21094-aed3-7cdf-98d0-f38e2921ea63";
  job.brief.content = "Fresh \"coffee\", every morning.\n";
  job.brief.preset = "social_ad";
  job.brief.lang = "en";
  job.brief.target_langs = {"en", "es"};
  job.brief.aspect_ratios = {"16:9", "9:16"};
  job.brief.brand_id = "acme";
  job.brief.duration_hint_s = 15.5;
  job.brief.webhook_url = "https://example.com/hook";
  job.state = JobState::kDelivered;
  job.production_manifest = Json::parse(R"({"scenes":[{"title":"Café"}],"version":3})");
  job.cost_estimate = Json::parse(R"({"total_usd":0.42})");
  job.render_result = Json::parse(R"({"files":["/srv/out/a.mp4"]})");
  job.qa_report = Json::parse(R"({"passed":true})");
  job.approved = true;
  job.approval_timestamp_ms = 1'764'000'000'000;
  job.approved_revision = 3;
  job.edits_history = Json::array({Json{{"field", "title"}}});
  job.options = Json{{"priority_boost", 1}};
  job.error = "none";
  job.attempts = 2;
  job.max_attempts = 3;
  job.cancel_requested = true;
  job.lease_owner = "worker-1";
  job.lease_expires_ms = 1'764'000'060'000;
  job.lease_epoch = 7;
  job.created_at_ms = 1'763'999'000'000;
  job.updated_at_ms = 1'764'000'100'000;
  return job;
}

TEST(JobJson, AllMembers) {
  Job job = FullJob();
  Json j = JobToJson(job);
  EXPECT_EQ(j["id"], job.id);
  EXPECT_EQ(j["content"], job.brief.content);
  EXPECT_EQ(j["priority"], "normal");
  EXPECT_EQ(j["target_langs"], Json::array({"en", "es"}));
  EXPECT_EQ(j["aspect_ratios"], Json::array({"16:9", "9:16"}));
  EXPECT_EQ(j["brand_id"], "acme");
  EXPECT_EQ(j["duration_hint_s"], 15.5);
  EXPECT_EQ(j["webhook_url"], job.brief.webhook_url);
  EXPECT_EQ(j["review"], false);
  EXPECT_EQ(j["state"], "delivered");
  EXPECT_EQ(j["production_manifest"], job.production_manifest);
  EXPECT_EQ(j["consistency_markers"], nullptr);
  EXPECT_EQ(j["cost_estimate"], job.cost_estimate);
  EXPECT_EQ(j["render_result"], job.render_result);
  EXPECT_EQ(j["qa_report"], job.qa_report);
  EXPECT_EQ(j["approved"], true);
  EXPECT_EQ(j["approval_timestamp"], FormatTimestamp(*job.approval_timestamp_ms));
  EXPECT_EQ(j["approved_revision"], 3);
  EXPECT_EQ(j["edits_history"], job.edits_history);
  EXPECT_EQ(j["options"], job.options);
  EXPECT_EQ(j["error"], "none");
  EXPECT_EQ(j["attempts"], 2);
  EXPECT_EQ(j["max_attempts"], 3);
  EXPECT_EQ(j["cancel_requested"], true);
  EXPECT_EQ(j["lease"], (Json{{"owner", "worker-1"},
                              {"expires_at", FormatTimestamp(job.lease_expires_ms)},
                              {"epoch", 7}}));
  EXPECT_EQ(j["created_at"], FormatTimestamp(job.created_at_ms));
  EXPECT_EQ(j["updated_at"], FormatTimestamp(job.updated_at_ms));
  EXPECT_EQ(j.size(), 30u);
}

TEST(JobJson, PublicViewLeavesOutInternals) {
  Json j = JobToJson(FullJob(), JobFields::kPublic);
  EXPECT_FALSE(j.contains("options"));
  EXPECT_FALSE(j.contains("lease"));
  EXPECT_FALSE(j.contains("render_result"));
  EXPECT_EQ(j["approved_revision"], 3);  // what renders, for the reviewer to see
  EXPECT_EQ(j.size(), 27u);
}

TEST(JobJson, EmptyOptionalMembersAreNullOrAbsent) {
  Job job;
  job.id = "j";
  job.brief.content = "x";
  Json j = JobToJson(job);
  EXPECT_EQ(j["approval_timestamp"], nullptr);
  EXPECT_EQ(j["approved_revision"], nullptr);
  EXPECT_EQ(j["error"], nullptr);
  EXPECT_EQ(j["lease"], nullptr);
  EXPECT_EQ(j["production_manifest"], nullptr);
  EXPECT_FALSE(j.contains("brand_id"));
  EXPECT_FALSE(j.contains("duration_hint_s"));
  EXPECT_FALSE(j.contains("webhook_url"));
  EXPECT_FALSE(j.contains("cancel_requested"));
}

}  // namespace
}  // namespace aiprod
