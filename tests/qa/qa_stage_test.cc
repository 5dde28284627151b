// The qa stage in the runner: a damaged render goes back to rendering once;
// a render that is damaged again, or wrong, holds the job in qa_failed with
// the report.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "pipeline/runner.h"
#include "pipeline/stages/stages.h"
#include "qa_fixtures.h"
#include "render/renderer.h"
#include "testing/pipeline_fixture.h"

namespace aiprod {
namespace {

namespace fs = std::filesystem;

using testing::ScriptedStage;

class QaStageTest : public testing::PipelineTest {
 protected:
  void SetUp() override {
    testing::PipelineTest::SetUp();
    promised_ = testing::PromisedManifest();
    good_ = dir_.File("good.mp4");
    auto r = RenderVideo(promised_, testing::TestRenderSettings(), good_);
    ASSERT_TRUE(r) << r.error().ToString();
    damaged_ = dir_.File("damaged.mp4");
    fs::copy_file(good_, damaged_);
    fs::resize_file(damaged_, fs::file_size(damaged_) / 2);
  }

  // Renders: the files the render stage hands on, one per call (the last repeats).
  JobState Run(std::vector<std::string> renders, int* render_calls) {
    ProductionManifest pm;
    pm.variants = {promised_};
    Json manifest = ProductionManifestToJson(pm);
    std::vector<std::unique_ptr<Stage>> stages;
    stages.push_back(std::make_unique<ScriptedStage>("plan", JobState::kPlanning, calls_,
                                                     [=](const StageContext&, int) {
                                                       JobPatch p;
                                                       p.production_manifest = manifest;
                                                       return StageOutcome::Done(Json::object(), p);
                                                     }));
    stages.push_back(std::make_unique<ScriptedStage>(
        "render", JobState::kRendering, calls_, [=](const StageContext&, int call) {
          const std::string& video = renders[std::min<size_t>(call - 1, renders.size() - 1)];
          Json result = {{"renditions",
                          {{{"lang", "en"},
                            {"aspect", "16:9"},
                            {"video", video},
                            {"width", 640},
                            {"height", 360},
                            {"duration_s", 3.6}}}}};
          JobPatch p;
          p.render_result = result;
          return StageOutcome::Done(result, p);
        }));
    stages.push_back(MakeQaStage());
    stages.push_back(
        std::make_unique<ScriptedStage>("deliver", JobState::kDelivering, calls_, nullptr));
    Runner runner(*store_, services_, std::move(stages));
    id_ = NewJobId(5);
    JobState s = JobState::kQueued;
    for (int i = 0; i < 5 && !IsTerminal(s) && s != JobState::kQaFailed; ++i) {
      auto r = runner.RunJob(id_);
      EXPECT_TRUE(r) << r.error().ToString();
      if (!r) break;
      s = *r;
    }
    *render_calls = calls_["render"];
    return s;
  }

  Manifest promised_;
  std::string good_, damaged_, id_;
};

TEST_F(QaStageTest, ADamagedRenderIsRenderedAgainOnce) {
  int renders = 0;
  EXPECT_EQ(Run({damaged_, good_}, &renders), JobState::kDelivered);
  EXPECT_EQ(renders, 2);
  Job job = *store_->GetJob(id_);
  EXPECT_EQ(job.qa_report["passed"], true);
  bool retried = false;
  auto events = store_->ListEvents(id_);  // kept alive: `*temporary` in a for-range dangles
  ASSERT_TRUE(events.has_value());
  for (const auto& e : *events) {
    retried = retried ||
              (e.type == "retry_scheduled" && e.from_state == "qa" && e.to_state == "rendering");
  }
  EXPECT_TRUE(retried);
}

TEST_F(QaStageTest, DamagedTwiceIsHeldForAHuman) {
  int renders = 0;
  EXPECT_EQ(Run({damaged_}, &renders), JobState::kQaFailed);
  EXPECT_EQ(renders, 2);  // one new render, not more
  Job job = *store_->GetJob(id_);
  EXPECT_EQ(job.qa_report["passed"], false);
  const Json& checks = job.qa_report["renditions"][0]["checks"];
  bool integrity_failed = false;
  for (const auto& c : checks) {
    integrity_failed = integrity_failed || (c["name"] == "file_integrity" && c["passed"] == false);
  }
  EXPECT_TRUE(integrity_failed) << job.qa_report.dump();
}

TEST_F(QaStageTest, AWrongRenderIsNotRenderedAgain) {
  Manifest wrong = promised_;
  wrong.scenes[0].layers[0].text.text = "Stale tea leaves";
  std::string path = dir_.File("wrong.mp4");
  ASSERT_TRUE(RenderVideo(wrong, testing::TestRenderSettings(), path));
  int renders = 0;
  EXPECT_EQ(Run({path}, &renders), JobState::kQaFailed);
  EXPECT_EQ(renders, 1);
  Job job = *store_->GetJob(id_);
  EXPECT_NE(job.qa_report["summary"].get<std::string>().find("ocr_text[0]"), std::string::npos)
      << job.qa_report["summary"];
}

}  // namespace
}  // namespace aiprod
