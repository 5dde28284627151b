// The runner's state machine over a real SQLite store, with scripted stages.
#include "pipeline/runner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

#include "testing/pipeline_fixture.h"
#include "testing/wait.h"

namespace aiprod {
namespace {

using testing::Behaviour;
using testing::kStages;

class RunnerTest : public testing::PipelineTest {
 protected:
  std::unique_ptr<Runner> MakeRunner(std::map<std::string, Behaviour> behaviours = {}) {
    return std::make_unique<Runner>(*store_, services_,
                                    testing::ScriptedStages(calls_, std::move(behaviours)));
  }

  int Events(const std::string& id, const std::string& type, const std::string& stage = "") {
    int n = 0;
    auto events = store_->ListEvents(id);
    for (const auto& e : *events) {
      if (e.type == type && (stage.empty() || e.data.value("stage", std::string()) == stage)) ++n;
    }
    return n;
  }
};

TEST_F(RunnerTest, RunsEveryStageOnceAndDelivers) {
  auto runner = MakeRunner();
  std::string id = NewJobId();
  auto s = runner->RunJob(id);
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(*s, JobState::kDelivered);
  for (auto [name, state] : kStages) {
    EXPECT_EQ(calls_[name], 1) << name;
    EXPECT_EQ(Events(id, "stage_started", name), 1) << name;
    auto cp = store_->GetCheckpoint(id, name);
    ASSERT_TRUE(cp && *cp) << name;
    EXPECT_EQ((**cp)["stage"], name);
  }
  Job job = *store_->GetJob(id);
  EXPECT_TRUE(job.lease_owner.empty());
  EXPECT_FALSE(job.run_after_ms);
  // One state_changed event per transition: queued->planning ... delivering->delivered.
  EXPECT_EQ(Events(id, "state_changed"), 9);
}

TEST_F(RunnerTest, TransientFailureRetriesThenSucceeds) {
  config_.queue.backoff_base_s = 2;
  auto runner = MakeRunner(
      {{"render", [](const StageContext&, int call) {
          if (call == 1) {
            return StageOutcome::FromError({ErrorCode::kUnavailable, "encoder busy", ""});
          }
          return StageOutcome::Done({});
        }}});
  std::string id = NewJobId();
  EXPECT_EQ(*runner->RunJob(id), JobState::kRendering);  // parked for its retry
  EXPECT_EQ(Events(id, "retry_scheduled"), 1);
  Job job = *store_->GetJob(id);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_NE(job.error.find("encoder busy"), std::string::npos);
  // The first retry waits 50-100% of backoff_base_s; nothing runs before.
  ASSERT_TRUE(job.run_after_ms);
  int64_t backoff_ms = *job.run_after_ms - clock_.NowMs();
  EXPECT_GE(backoff_ms, static_cast<int64_t>(config_.queue.backoff_base_s * 500));
  EXPECT_LE(backoff_ms, static_cast<int64_t>(config_.queue.backoff_base_s * 1000));
  clock_.Advance(backoff_ms - 1);
  auto early = runner->RunJob(id);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, ErrorCode::kConflict);
  EXPECT_NE(early.error().message.find("waiting to retry"), std::string::npos);
  EXPECT_EQ(calls_["render"], 1);
  clock_.Advance(1);
  EXPECT_EQ(*runner->RunJob(id), JobState::kDelivered);
  EXPECT_EQ(calls_["render"], 2);
  EXPECT_EQ(calls_["plan"], 1);
}

TEST_F(RunnerTest, RetriesExhaustedMeansDead) {
  config_.queue.backoff_base_s = 2;
  auto runner = MakeRunner({{"qa", [](const StageContext&, int) {
                               return StageOutcome::FromError({ErrorCode::kIo, "disk", ""});
                             }}});
  std::string id = NewJobId(2);
  EXPECT_EQ(*runner->RunJob(id), JobState::kQa);
  AdvancePastBackoff(id);
  EXPECT_EQ(*runner->RunJob(id), JobState::kDead);
  Job job = *store_->GetJob(id);
  EXPECT_EQ(job.state, JobState::kDead);
  EXPECT_NE(job.error.find("disk"), std::string::npos);
  EXPECT_FALSE(store_->Claim({"x", clock_.NowMs() + 10'000'000, 1000, {}}).value());
}

TEST_F(RunnerTest, PermanentFailureFailsWithTheReason) {
  auto runner = MakeRunner(
      {{"plan", [](const StageContext&, int) {
          return StageOutcome::FromError({ErrorCode::kInvalidInput, "too long", "content"});
        }}});
  std::string id = NewJobId();
  EXPECT_EQ(*runner->RunJob(id), JobState::kFailed);
  EXPECT_EQ(store_->GetJob(id)->error, "content: too long");
  EXPECT_EQ(calls_["localize"], 0);
}

TEST_F(RunnerTest, ReviewParksUntilApproved) {
  auto runner = MakeRunner({{"approve", [](const StageContext& ctx, int) {
                               if (!ctx.job.approved) {
                                 StageOutcome o;
                                 o.kind = StageOutcome::Kind::kNeedsApproval;
                                 return o;
                               }
                               return StageOutcome::Done({});
                             }}});
  std::string id = NewJobId();
  EXPECT_EQ(*runner->RunJob(id), JobState::kAwaitingApproval);
  EXPECT_EQ(*runner->RunJob(id), JobState::kAwaitingApproval);  // still parked
  EXPECT_EQ(calls_["render"], 0);
  JobTransition approve{JobState::kAwaitingApproval, JobState::kAwaitingApproval, "approved"};
  approve.patch.approved = true;
  approve.run_after_ms = clock_.NowMs();
  ASSERT_TRUE(store_->Apply(id, nullptr, approve, clock_.NowMs()));
  EXPECT_EQ(*runner->RunJob(id), JobState::kDelivered);
  EXPECT_EQ(calls_["estimate"], 1);
  EXPECT_EQ(calls_["render"], 1);
}

TEST_F(RunnerTest, ResumesAfterADeadOwnerWithoutRedoingFinishedStages) {
  std::string id = NewJobId();
  // A worker on this host claimed the job, finished plan and localize, then died.
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  std::string dead_owner = std::string(host) + ":2147483000:dead";
  auto lease = store_->Claim({dead_owner, clock_.NowMs(), 3'600'000, id});
  ASSERT_TRUE(lease && *lease);
  ASSERT_TRUE(
      store_->Apply(id, &**lease, {JobState::kQueued, JobState::kPlanning}, clock_.NowMs()));
  for (int i = 0; i < 2; ++i) {
    JobTransition t{kStages[i].second, kStages[i + 1].second};
    t.checkpoint_stage = kStages[i].first;
    t.checkpoint = Json::object();
    t.run_after_ms = clock_.NowMs();
    ASSERT_TRUE(store_->Apply(id, &**lease, t, clock_.NowMs()));
  }
  ASSERT_TRUE(OwnerIsDeadLocalProcess(dead_owner));
  auto runner = MakeRunner();
  EXPECT_EQ(*runner->RunJob(id), JobState::kDelivered);
  EXPECT_EQ(calls_["plan"], 0);
  EXPECT_EQ(calls_["localize"], 0);
  EXPECT_EQ(calls_["consistency"], 1);
  EXPECT_EQ(Events(id, "lease_broken"), 1);
  EXPECT_EQ(store_->GetJob(id)->attempts, 1);
}

TEST_F(RunnerTest, ALiveOwnerIsNotDisturbed) {
  std::string id = NewJobId();
  auto lease = store_->Claim({WorkerIdentity(), clock_.NowMs(), 3'600'000, id});
  ASSERT_TRUE(lease && *lease);
  auto runner = MakeRunner();
  auto r = runner->RunJob(id);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(calls_["plan"], 0);
}

TEST_F(RunnerTest, ALeaseThatIsNotRenewedExpiresAndTheJobIsTakenOver) {
  std::string id = NewJobId();
  // A live worker elsewhere claimed the job, then stopped renewing its lease.
  auto lease = store_->Claim({"elsewhere:1:hung", clock_.NowMs(), 60'000, id});
  ASSERT_TRUE(lease && *lease);
  auto runner = MakeRunner();
  clock_.Advance(59'999);
  auto r = runner->RunJob(id);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  clock_.Advance(1);
  EXPECT_EQ(*runner->RunJob(id), JobState::kDelivered);
  EXPECT_EQ(calls_["plan"], 1);
}

TEST_F(RunnerTest, LostLeaseStopsWritesFromTheOldOwner) {
  std::string id = NewJobId();
  Store* store = store_.get();
  const Clock* clock = &clock_;
  auto runner = MakeRunner({{"render", [store, clock, id](const StageContext& ctx, int) {
                               // Another worker takes the job over while this one renders.
                               Job job = *store->GetJob(id);
                               EXPECT_TRUE(store->BreakLease(id, job.lease_epoch, clock->NowMs()));
                               EXPECT_TRUE(store->Claim({"other", clock->NowMs(), 60'000, id}));
                               EXPECT_TRUE(testing::WaitUntil([&] { return ctx.cancel.load(); }))
                                   << "the heartbeat did not notice the lost lease";
                               return StageOutcome::Done({{"from", "old owner"}});
                             }}});
  auto r = runner->RunJob(id);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kLeaseLost);
  Job job = *store_->GetJob(id);
  EXPECT_EQ(job.state, JobState::kRendering);
  EXPECT_EQ(job.lease_owner, "other");
  EXPECT_FALSE(*store_->GetCheckpoint(id, "render"));
}

TEST_F(RunnerTest, AJobWhoseWorkerDiesInTheFirstStageCanBeClaimedAgain) {
  std::string id = NewJobId();
  Store* store = store_.get();
  const Clock* clock = &clock_;
  bool claimed = false;
  auto runner = MakeRunner({{"plan", [store, clock, id, &claimed](const StageContext&, int) {
                               // This worker "dies": its lease is broken, and any
                               // other worker's ordinary claim must find the job.
                               Job job = *store->GetJob(id);
                               EXPECT_TRUE(store->BreakLease(id, job.lease_epoch, clock->NowMs()));
                               auto other = store->Claim({"other", clock->NowMs(), 60'000});
                               claimed = other && *other && (*other)->job_id == id;
                               return StageOutcome::Done({});
                             }}});
  auto r = runner->RunJob(id);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kLeaseLost);
  EXPECT_TRUE(claimed);
}

TEST_F(RunnerTest, UserCancelStopsAtTheNextCheckpoint) {
  std::string id = NewJobId();
  Store* store = store_.get();
  const Clock* clock = &clock_;
  auto runner = MakeRunner(
      {{"render", [store, clock, id](const StageContext& ctx, int) {
          auto st = store->RequestCancel(id, "tester", clock->NowMs());
          EXPECT_TRUE(st);
          EXPECT_EQ(*st, JobState::kRendering);  // flagged, not yet done
          EXPECT_TRUE(testing::WaitUntil([&] { return ctx.cancel.load(); }))
              << "the heartbeat did not pass the cancel on";
          return StageOutcome::FromError({ErrorCode::kCancelled, "render cancelled", ""});
        }}});
  EXPECT_EQ(*runner->RunJob(id), JobState::kCancelled);
  EXPECT_EQ(calls_["qa"], 0);
  EXPECT_EQ(Events(id, "cancel_requested"), 1);
  EXPECT_FALSE(*store_->GetCheckpoint(id, "render"));
}

TEST_F(RunnerTest, RetryPutsAFailedJobBackAtItsStage) {
  bool fail = true;
  auto runner =
      MakeRunner({{"qa", [&fail](const StageContext&, int) {
                     if (fail) {
                       return StageOutcome::FromError({ErrorCode::kInvalidInput, "bad frame", ""});
                     }
                     return StageOutcome::Done({});
                   }}});
  std::string id = NewJobId();
  EXPECT_EQ(*runner->RunJob(id), JobState::kFailed);
  fail = false;
  EXPECT_EQ(*store_->Retry(id, "tester", clock_.NowMs()), JobState::kQa);
  EXPECT_EQ(store_->Retry(id, "tester", clock_.NowMs()).error().code, ErrorCode::kConflict);
  EXPECT_EQ(*runner->RunJob(id), JobState::kDelivered);
  EXPECT_EQ(calls_["render"], 1);
  EXPECT_EQ(calls_["qa"], 2);
}

TEST_F(RunnerTest, CancelWithoutALeaseIsImmediate) {
  std::string id = NewJobId();
  EXPECT_EQ(*store_->RequestCancel(id, "tester", clock_.NowMs()), JobState::kCancelled);
  EXPECT_EQ(store_->RequestCancel(id, "tester", clock_.NowMs()).error().code, ErrorCode::kConflict);
  auto runner = MakeRunner();
  EXPECT_EQ(*runner->RunJob(id), JobState::kCancelled);
  EXPECT_EQ(calls_["plan"], 0);
}

TEST_F(RunnerTest, StopRequestLeavesTheJobResumable) {
  Runner* self = nullptr;
  auto runner = MakeRunner({{"estimate", [&self](const StageContext&, int) {
                               self->RequestStop();
                               return StageOutcome::Done({});
                             }}});
  self = runner.get();
  std::string id = NewJobId();
  auto r = runner->RunJob(id);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  Job job = *store_->GetJob(id);
  EXPECT_EQ(job.state, JobState::kAwaitingApproval);  // estimate's result was kept
  EXPECT_TRUE(job.lease_owner.empty());
  auto fresh = MakeRunner();
  EXPECT_EQ(*fresh->RunJob(id), JobState::kDelivered);
  EXPECT_EQ(calls_["estimate"], 1);
}

}  // namespace
}  // namespace aiprod
