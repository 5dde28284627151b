// Runner tests over a real SQLite store: a stage whose outcome the test
// scripts, and a fixture holding the store and the pipeline's services.
// Time is a FakeClock: leases expire and retries come due when a test
// advances it, never by waiting. Header-only: only test binaries that link the
// pipeline include it.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "core/ids.h"
#include "pipeline/engines.h"
#include "pipeline/runner.h"
#include "store/store.h"
#include "testing/temp_dir.h"

namespace aiprod::testing {

using Behaviour = std::function<StageOutcome(const StageContext&, int call)>;

// A stage whose outcome the test scripts; counts its runs in `calls[name]`.
class ScriptedStage final : public Stage {
 public:
  ScriptedStage(std::string name, JobState state, std::map<std::string, int>& calls,
                Behaviour behaviour)
      : name_(std::move(name)), state_(state), calls_(calls), behaviour_(std::move(behaviour)) {}
  std::string_view Name() const override { return name_; }
  JobState State() const override { return state_; }
  StageOutcome Run(const StageContext& ctx) const override {
    int call = ++calls_[name_];
    if (behaviour_) return behaviour_(ctx, call);
    return StageOutcome::Done({{"stage", name_}, {"call", call}});
  }

 private:
  std::string name_;
  JobState state_;
  std::map<std::string, int>& calls_;
  Behaviour behaviour_;
};

// The pipeline's stages, by name and the state each runs in.
inline constexpr std::pair<const char*, JobState> kStages[] = {
    {"plan", JobState::kPlanning},
    {"localize", JobState::kLocalizing},
    {"consistency", JobState::kCheckingConsistency},
    {"estimate", JobState::kEstimating},
    {"approve", JobState::kAwaitingApproval},
    {"render", JobState::kRendering},
    {"qa", JobState::kQa},
    {"deliver", JobState::kDelivering}};

// Every stage scripted: `behaviours[name]`, or done at once.
inline std::vector<std::unique_ptr<Stage>> ScriptedStages(
    std::map<std::string, int>& calls, std::map<std::string, Behaviour> behaviours = {}) {
  std::vector<std::unique_ptr<Stage>> stages;
  for (auto [name, state] : kStages) {
    stages.push_back(std::make_unique<ScriptedStage>(name, state, calls, behaviours[name]));
  }
  return stages;
}

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.data_dir = dir_.path();
    // A retry is due at once unless a test sets a backoff (then it advances
    // the clock past it). The heartbeat runs on a wall-clock timer: beat often
    // so a lost lease is noticed quickly.
    config_.queue.backoff_base_s = 0;
    config_.queue.heartbeat_s = 0.05;
    auto s = OpenStore(dir_.File("aiprod.db"));
    ASSERT_TRUE(s);
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate());
    services_.config = &config_;
    services_.clock = &clock_;
    engines_ = MakeEngines(config_);
    engines_.Attach(services_);
  }

  std::string NewJobId(int max_attempts = 3) {
    NewJob nj;
    nj.id = NewUuidV7(clock_);
    nj.brief.content = "Hello.";
    nj.max_attempts = max_attempts;
    nj.now_ms = clock_.NowMs();
    auto j = store_->CreateJob(nj);
    EXPECT_TRUE(j);
    return j ? j->id : "";
  }

  // Moves the clock to the time `id` may run again (its retry's backoff).
  void AdvancePastBackoff(const std::string& id) {
    auto job = store_->GetJob(id);
    ASSERT_TRUE(job && job->run_after_ms);
    if (*job->run_after_ms > clock_.NowMs()) clock_.Advance(*job->run_after_ms - clock_.NowMs());
  }

  TempDir dir_;
  Config config_;
  FakeClock clock_;
  std::unique_ptr<Store> store_;
  Engines engines_;  // the real ones, built from config_
  PipelineServices services_;
  std::map<std::string, int> calls_;  // runs per stage name
};

}  // namespace aiprod::testing
