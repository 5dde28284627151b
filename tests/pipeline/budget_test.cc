// Budgets through the runner, on a real SQLite store: the spend of earlier
// jobs (read by JobQueries) holds a job that would pass 100% of the brand's
// monthly budget, and each alert level is raised by the job that crosses it,
// recorded as a `budget_alert` event, not again by later jobs.
#include <vector>

#include "creative/cost.h"
#include "model/event_type.h"
#include "pipeline/stages/stages.h"
#include "store/database.h"
#include "testing/pipeline_fixture.h"

namespace aiprod {
namespace {

using testing::ScriptedStage;

class BudgetTest : public testing::PipelineTest {
 protected:
  void SetUp() override {
    testing::PipelineTest::SetUp();
    auto db = OpenDatabase(dir_.File("aiprod.db"));
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    spend_ = MakeSpendLedger(db_->job_queries());
    services_.spend = spend_.get();
    Manifest m;
    m.lang = "en";
    m.scenes.resize(2);
    m.scenes[0].duration_s = 4;
    m.scenes[1].duration_s = 6;
    ProductionManifest pm;
    pm.variants = {m};
    manifest_ = ProductionManifestToJson(pm);
    job_usd_ = EstimateCost(pm, {"16:9"}, config_.cost, 1).usd;
    ASSERT_GT(job_usd_, 0);
  }

  // Runs one job of brand "acme" (budget: 3.5 jobs) through the real estimate stage.
  Job RunJob() {
    std::vector<std::unique_ptr<Stage>> stages;
    for (auto [name, state] : testing::kStages) {
      if (state == JobState::kEstimating) {
        stages.push_back(MakeEstimateStage());
        continue;
      }
      testing::Behaviour plan = nullptr;
      if (state == JobState::kPlanning) {
        plan = [m = manifest_](const StageContext&, int) {
          JobPatch p;
          p.production_manifest = m;
          return StageOutcome::Done(Json::object(), p);
        };
      }
      stages.push_back(std::make_unique<ScriptedStage>(name, state, calls_, plan));
    }
    Runner runner(*store_, services_, std::move(stages));
    NewJob nj;
    nj.id = NewUuidV7(clock_);
    nj.brief.content = "Hello.";
    nj.brief.brand_id = "acme";
    nj.brief.aspect_ratios = {"16:9"};
    nj.options["brand_kit"] = {{"brand_id", "acme"}, {"monthly_budget_usd", 3.5 * job_usd_}};
    nj.now_ms = clock_.NowMs();
    auto created = store_->CreateJob(nj);
    EXPECT_TRUE(created);
    auto r = runner.RunJob(nj.id);
    EXPECT_TRUE(r) << r.error().ToString();
    return store_->GetJob(nj.id).value_or(Job{});
  }

  std::vector<double> Alerts(const std::string& job_id) {
    std::vector<double> levels;
    auto events = store_->ListEvents(job_id);
    EXPECT_TRUE(events);
    for (const auto& e : events.value_or(std::vector<JobEvent>{})) {
      if (EventTypeFromName(e.type) == EventType::kBudgetAlert) {
        levels.push_back(e.data["level"].get<double>());
      }
    }
    return levels;
  }

  std::unique_ptr<Database> db_;
  std::unique_ptr<SpendLedger> spend_;
  Json manifest_;
  double job_usd_ = 0;
};

TEST_F(BudgetTest, HoldsAtTheBudgetAndAlertsOncePerLevel) {
  std::vector<Job> jobs;
  for (int i = 0; i < 3; ++i) jobs.push_back(RunJob());  // 29%, 57%, 86% of the budget
  for (const auto& j : jobs) EXPECT_EQ(j.state, JobState::kDelivered) << j.error;
  EXPECT_TRUE(Alerts(jobs[0].id).empty());
  EXPECT_TRUE(Alerts(jobs[1].id).empty());
  EXPECT_EQ(Alerts(jobs[2].id), std::vector<double>{0.8});

  Job over = RunJob();  // 86% -> 114%: held, and the 100% alert
  EXPECT_EQ(over.state, JobState::kFailed);
  EXPECT_NE(over.error.find("monthly budget"), std::string::npos) << over.error;
  EXPECT_TRUE(over.cost_estimate.is_null());
  EXPECT_EQ(Alerts(over.id), std::vector<double>{1.0});  // not 80% again
  EXPECT_EQ(calls_["render"], 3);                        // the held job rendered nothing
}

}  // namespace
}  // namespace aiprod
