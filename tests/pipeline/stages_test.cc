// Each stage alone, on a job in memory, with fake engines (stage_fakes.h):
// what it returns for what it is given. No store: stages do not write one.
#include <filesystem>
#include <fstream>

#include "core/files.h"
#include "creative/cost.h"
#include "model/cost_estimate.h"
#include "model/job_qa.h"
#include "model/render_result.h"
#include "stage_fakes.h"

namespace aiprod {
namespace {

namespace fs = std::filesystem;
using Kind = StageOutcome::Kind;

class StagesTest : public testing::StageTest {};

// --- plan -------------------------------------------------------------------

TEST_F(StagesTest, PlanAsksThePlannerAndSetsFrameRateAndVoice) {
  config_.render.fps = 25;
  job_.brief.lang = "fr";
  job_.brief.target_langs = {"fr"};
  StageOutcome o = Run(MakePlanStage());
  ASSERT_EQ(o.kind, Kind::kDone) << o.error.ToString();
  EXPECT_EQ(planner_.calls, 1);
  auto pm = ProductionManifestFromJson(*o.patch.production_manifest);
  ASSERT_TRUE(pm) << pm.error().ToString();
  ASSERT_EQ(pm->variants.size(), 1u);
  EXPECT_EQ(pm->variants[0].canvas.fps, 25);
  EXPECT_EQ(pm->variants[0].voice, "fr");
  EXPECT_EQ(o.checkpoint, *o.patch.production_manifest);
}

TEST_F(StagesTest, PlanFailsWithThePlannersError) {
  planner_.fail = true;
  StageOutcome o = Run(MakePlanStage());
  EXPECT_EQ(o.kind, Kind::kFailed);
  EXPECT_EQ(o.error.field, "content");
}

// --- localize ---------------------------------------------------------------

TEST_F(StagesTest, LocalizeTranslatesAndRetimesWithTheTargetVoice) {
  job_.brief.target_langs = {"en", "fr"};
  Plan();
  speech_.voices.clear();
  StageOutcome o = Run(MakeLocalizeStage());
  ASSERT_EQ(o.kind, Kind::kDone) << o.error.ToString();
  auto pm = ProductionManifestFromJson(*o.patch.production_manifest);
  ASSERT_TRUE(pm);
  ASSERT_EQ(pm->variants.size(), 2u);
  const Manifest* fr = pm->Find("fr");
  ASSERT_NE(fr, nullptr);
  ASSERT_TRUE(fr->scenes[0].narration);
  EXPECT_EQ(fr->scenes[0].narration->text.rfind("Fr: ", 0), 0u) << fr->scenes[0].narration->text;
  EXPECT_EQ(fr->voice, "fr");
  ASSERT_FALSE(speech_.voices.empty());  // timed by the speech engine, in French
  for (const auto& v : speech_.voices) EXPECT_EQ(v, "fr");
  EXPECT_EQ(o.checkpoint["variants"], Json({"en", "fr"}));
}

TEST_F(StagesTest, LocalizeWithoutATranslatorRefusesOtherLanguages) {
  job_.brief.target_langs = {"en", "fr"};
  Plan();
  services_.translator = nullptr;
  StageOutcome o = Run(MakeLocalizeStage());
  EXPECT_EQ(o.kind, Kind::kFailed);
  EXPECT_EQ(o.error.field, "target_langs");
}

// --- consistency ------------------------------------------------------------

TEST_F(StagesTest, ConsistencyRecordsMarkersAndBannedWords) {
  job_.options["brand_kit"] = {{"brand_id", "acme"}, {"name", "Acme"}, {"banned_words", {"save"}}};
  Plan();
  StageOutcome o = Run(MakeConsistencyStage());
  ASSERT_EQ(o.kind, Kind::kDone) << o.error.ToString();
  EXPECT_EQ(o.checkpoint["brand_id"], "acme");
  EXPECT_EQ(o.checkpoint["banned_words"], Json({"save"}));
  EXPECT_EQ(o.checkpoint["variants"].size(), 1u);
  EXPECT_TRUE(o.patch.consistency_markers.has_value());
}

TEST_F(StagesTest, ConsistencyFailsOnBannedWordsWhenTheKitSaysSo) {
  job_.options["brand_kit"] = {
      {"brand_id", "acme"}, {"banned_words", {"save"}}, {"banned_words_action", "fail"}};
  Plan();
  StageOutcome o = Run(MakeConsistencyStage());
  EXPECT_EQ(o.kind, Kind::kFailed);
  EXPECT_EQ(o.error.field, "content");
}

// --- estimate (and budgets) -------------------------------------------------

class EstimateTest : public StagesTest {
 protected:
  void SetUp() override {
    StagesTest::SetUp();
    Plan();
    auto pm = JobManifest(job_);
    ASSERT_TRUE(pm);
    job_usd_ = EstimateCost(*pm, job_.brief.aspect_ratios, config_.cost, 1).usd;
    ASSERT_GT(job_usd_, 0);
  }
  // A brand whose monthly budget is `budget_jobs` times this job's cost, and
  // which has spent `spent_jobs` times it.
  StageOutcome Estimate(double budget_jobs, double spent_jobs) {
    return EstimateUsd(budget_jobs * job_usd_, spent_jobs * job_usd_);
  }
  StageOutcome EstimateUsd(double budget_usd, double spent_usd) {
    job_.brief.brand_id = "acme";
    job_.options["brand_kit"] = {{"brand_id", "acme"}, {"monthly_budget_usd", budget_usd}};
    spend_.usd = spent_usd;
    return Run(MakeEstimateStage());
  }
  static std::vector<double> AlertLevels(const StageOutcome& o) {
    std::vector<double> levels;
    for (const auto& e : o.events) {
      EXPECT_EQ(e.type, EventType::kBudgetAlert);
      levels.push_back(e.data["level"].get<double>());
    }
    return levels;
  }
  double job_usd_ = 0;
};

TEST_F(EstimateTest, EstimatesCostWithoutABudget) {
  StageOutcome o = Run(MakeEstimateStage());
  ASSERT_EQ(o.kind, Kind::kDone) << o.error.ToString();
  auto e = CostEstimateFromJson(*o.patch.cost_estimate);
  ASSERT_TRUE(e) << e.error().ToString();
  EXPECT_DOUBLE_EQ(e->usd, job_usd_);
  EXPECT_FALSE(e->budget);
  EXPECT_TRUE(o.events.empty());
  EXPECT_TRUE(spend_.asked.empty());  // no budget: nothing to look up
}

TEST_F(EstimateTest, UnderTheBudgetPassesWithTheBudgetView) {
  StageOutcome o = Estimate(10, 2);
  ASSERT_EQ(o.kind, Kind::kDone) << o.error.ToString();
  auto e = CostEstimateFromJson(*o.patch.cost_estimate);
  ASSERT_TRUE(e && e->budget);
  EXPECT_EQ(e->budget->brand_id, "acme");
  EXPECT_NEAR(e->budget->ratio, 0.3, 1e-9);
  EXPECT_TRUE(o.events.empty());
  EXPECT_EQ(spend_.asked, std::vector<std::string>{"acme"});
}

TEST_F(EstimateTest, AJobThatWouldPassTheBudgetIsHeld) {
  StageOutcome o = Estimate(10, 9.5);
  EXPECT_EQ(o.kind, Kind::kFailed);
  EXPECT_EQ(o.error.code, ErrorCode::kBudgetExceeded);
  EXPECT_NE(o.error.message.find("acme"), std::string::npos) << o.error.message;
  EXPECT_FALSE(o.patch.cost_estimate.has_value());
}

TEST_F(EstimateTest, AJobThatReachesTheBudgetExactlyRuns) {
  const double spent = 9 * job_usd_;
  StageOutcome o = EstimateUsd(spent + job_usd_, spent);  // ends at 100% exactly
  EXPECT_EQ(o.kind, Kind::kDone) << o.error.ToString();
  EXPECT_EQ(AlertLevels(o), std::vector<double>{1.0});
}

TEST_F(EstimateTest, AlertsOnlyForTheLevelsThisJobCrosses) {
  EXPECT_EQ(AlertLevels(Estimate(10, 7.5)), std::vector<double>{0.8});  // 75% -> 85%
  EXPECT_TRUE(AlertLevels(Estimate(10, 8.2)).empty());                  // 82% -> 92%: past
  EXPECT_TRUE(AlertLevels(Estimate(10, 5)).empty());                    // 50% -> 60%
  // 70% -> 160%: every level at once, and held.
  StageOutcome o = Estimate(1, 0.7);
  EXPECT_EQ(AlertLevels(o), (std::vector<double>{0.8, 1.0, 1.5}));
  EXPECT_EQ(o.error.code, ErrorCode::kBudgetExceeded);
}

TEST_F(EstimateTest, SpendThatCannotBeReadIsRetried) {
  spend_.error = Error{ErrorCode::kUnavailable, "database down", ""};
  StageOutcome o = Estimate(10, 0);
  EXPECT_EQ(o.kind, Kind::kRetry);
}

// --- approve ----------------------------------------------------------------

TEST_F(StagesTest, ApprovePassesAutomaticallyAndPinsTheRevision) {
  Plan();
  StageOutcome o = Run(MakeApproveStage());
  ASSERT_EQ(o.kind, Kind::kDone);
  EXPECT_EQ(o.patch.approved, true);
  EXPECT_EQ(o.patch.approved_revision, ManifestRevision(job_.production_manifest));
  EXPECT_EQ(o.checkpoint["approved_by"], "auto");
}

TEST_F(StagesTest, ApproveParksABriefThatAskedForReview) {
  job_.brief.review = true;
  Plan();
  EXPECT_EQ(Run(MakeApproveStage()).kind, Kind::kNeedsApproval);
  job_.approved = true;
  StageOutcome o = Run(MakeApproveStage());
  ASSERT_EQ(o.kind, Kind::kDone);
  EXPECT_EQ(o.checkpoint["approved_by"], "reviewer");
  EXPECT_FALSE(o.patch.approved.has_value());
}

// --- render -----------------------------------------------------------------

TEST_F(StagesTest, RenderDrawsEveryLanguageAndAspect) {
  job_.brief.target_langs = {"en", "fr"};
  job_.brief.aspect_ratios = {"16:9", "9:16"};
  job_.brief.draft = true;
  Plan();
  StageOutcome l = Run(MakeLocalizeStage());
  ASSERT_EQ(l.kind, Kind::kDone);
  job_.production_manifest = *l.patch.production_manifest;
  StageOutcome o = Run(MakeRenderStage());
  ASSERT_EQ(o.kind, Kind::kDone) << o.error.ToString();
  auto result = RenderResultFromJson(*o.patch.render_result);
  ASSERT_TRUE(result) << result.error().ToString();
  ASSERT_EQ(result->renditions.size(), 4u);
  EXPECT_EQ(renderer_.renders.size(), 4u);
  const Rendition& fr = result->renditions[3];
  EXPECT_EQ(fr.lang, "fr");
  EXPECT_EQ(fr.aspect, "9:16");
  EXPECT_EQ(fr.video, dir_.File("work") + "/render/fr-9x16.mp4");
  EXPECT_TRUE(fs::exists(fr.video));
  EXPECT_LT(fr.width, fr.height);
  EXPECT_EQ(fr.narration_cues.size(), 1u);
}

TEST_F(StagesTest, RenderNamesTheRenditionThatFailed) {
  Plan();
  renderer_.fail = Error{ErrorCode::kInvalidInput, "does not fit", "scenes[0].layers[0].text"};
  StageOutcome o = Run(MakeRenderStage());
  EXPECT_EQ(o.kind, Kind::kFailed);
  EXPECT_EQ(o.error.message, "en 16:9: does not fit");
}

TEST_F(StagesTest, RenderRefusesAManifestNobodyApproved) {
  Plan();
  job_.approved_revision = ManifestRevision(job_.production_manifest) + 1;
  StageOutcome o = Run(MakeRenderStage());
  EXPECT_EQ(o.error.code, ErrorCode::kConflict);
  EXPECT_TRUE(renderer_.renders.empty());
}

// --- qa ---------------------------------------------------------------------

class QaTest : public StagesTest {
 protected:
  void SetUp() override {
    StagesTest::SetUp();
    Plan();
    Rendition r;
    r.lang = "en";
    r.aspect = "16:9";
    r.video = dir_.File("en.mp4");
    r.width = 640;
    r.height = 360;
    r.narration_cues = {{0, 0.5, 2.0}};
    job_.render_result = RenderResultToJson({{r}});
  }
  static QaReport Report(bool passed, bool transient = false) {
    QaReport q;
    q.checks.push_back({"duration", 3.0, 3.0, true, "", false});
    q.checks.push_back({"file_integrity", 1, 0, passed, passed ? "" : "truncated", transient});
    return q;
  }
};

TEST_F(QaTest, APassingRenderIsDoneWithTheJobReport) {
  checker_.report = Report(true);
  StageOutcome o = Run(MakeQaStage());
  ASSERT_EQ(o.kind, Kind::kDone) << o.error.ToString();
  auto qa = JobQaReportFromJson(*o.patch.qa_report);
  ASSERT_TRUE(qa) << qa.error().ToString();
  EXPECT_TRUE(qa->passed);
  EXPECT_DOUBLE_EQ(qa->score, 1.0);
  ASSERT_EQ(qa->renditions.size(), 1u);
  EXPECT_EQ(qa->renditions[0].lang, "en");
  EXPECT_EQ(qa->renditions[0].report["checks"].size(), 2u);
  ASSERT_EQ(checker_.requests.size(), 1u);
  const VideoQaRequest& req = checker_.requests[0];
  EXPECT_EQ(req.video_path, dir_.File("en.mp4"));
  EXPECT_EQ(req.width, 640);
  ASSERT_EQ(req.cues.size(), 1u);
  EXPECT_DOUBLE_EQ(req.cues[0].end_s, 2.0);
}

TEST_F(QaTest, ADamagedRenderIsSentBackToRenderingOnce) {
  checker_.report = Report(false, /*transient=*/true);
  StageOutcome first = Run(MakeQaStage(), /*sent_back=*/0);
  EXPECT_EQ(first.kind, Kind::kRetry);
  EXPECT_EQ(first.retry_from, JobState::kRendering);
  StageOutcome again = Run(MakeQaStage(), /*sent_back=*/1);
  EXPECT_EQ(again.kind, Kind::kQaFailed);
  EXPECT_FALSE(again.retry_from.has_value());
}

TEST_F(QaTest, AFileQaCannotOpenCountsAsDamaged) {
  checker_.error = Error{ErrorCode::kNotFound, "no such file", ""};
  StageOutcome o = Run(MakeQaStage());
  EXPECT_EQ(o.kind, Kind::kRetry);
  auto qa = JobQaReportFromJson(*o.patch.qa_report);
  ASSERT_TRUE(qa);
  EXPECT_EQ(qa->renditions[0].report["checks"][0]["name"], "file_readable");
}

TEST_F(QaTest, QaThatCannotRunRetriesThisStage) {
  checker_.error = Error{ErrorCode::kUnavailable, "OCR is not available", ""};
  StageOutcome o = Run(MakeQaStage());
  EXPECT_EQ(o.kind, Kind::kRetry);
  EXPECT_FALSE(o.retry_from.has_value());
}

TEST_F(QaTest, AWrongRenderIsHeldForAHuman) {
  checker_.report = Report(false);
  StageOutcome o = Run(MakeQaStage());
  EXPECT_EQ(o.kind, Kind::kQaFailed);
  EXPECT_EQ((*o.patch.qa_report)["passed"], false);
}

TEST_F(QaTest, AMalformedRenderResultFailsInsteadOfThrowing) {
  job_.render_result = {{"renditions", {{{"lang", "en"}, {"aspect", "16:9"}, {"width", 640}}}}};
  StageOutcome o = Run(MakeQaStage());
  EXPECT_EQ(o.kind, Kind::kFailed);
  EXPECT_EQ(o.error.field, "render_result.renditions[0].video");
  EXPECT_TRUE(checker_.requests.empty());
}

// --- deliver ----------------------------------------------------------------

class DeliverTest : public StagesTest {
 protected:
  // Plans the job and says `name` was rendered as its English 9:16 rendition.
  void Rendered(const std::string& name) {
    Plan();
    Rendition r;
    r.lang = "en";
    r.aspect = "9:16";
    r.video = dir_.File(name);
    r.width = 360;
    r.height = 640;
    r.duration_s = 4.5;
    job_.render_result = RenderResultToJson({{r}});
    job_.options["output_dir"] = dir_.File("out");
  }
};

TEST_F(DeliverTest, StoresAndCopiesUnderStableNames) {
  Rendered("rendered.mp4");
  std::ofstream(dir_.File("rendered.mp4")) << "video bytes";
  job_.qa_report = JobQaReportToJson({true, 1.0, "ok", {}});
  StageOutcome o = Run(MakeDeliverStage());
  ASSERT_EQ(o.kind, Kind::kDone) << o.error.ToString();
  const std::string video = dir_.File("out") + "/en-9x16.mp4";
  EXPECT_EQ(ReadFile(video).value_or(""), "video bytes");
  EXPECT_TRUE(fs::exists(dir_.File("out") + "/manifest.json"));
  EXPECT_TRUE(fs::exists(dir_.File("out") + "/qa.json"));
  ASSERT_EQ(o.checkpoint["artifacts"].size(), 1u);
  EXPECT_EQ(o.checkpoint["artifacts"][0]["video"], video);
  EXPECT_EQ(o.checkpoint["artifacts"][0]["duration_s"], 4.5);
  auto listed = artifacts_->List();  // the injected store holds video, manifest and report
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 3u);
}

TEST_F(DeliverTest, FailsWhenTheRenderedFileIsGone) {
  Rendered("missing.mp4");
  StageOutcome o = Run(MakeDeliverStage());
  EXPECT_NE(o.kind, Kind::kDone);
  EXPECT_EQ(o.error.code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace aiprod
