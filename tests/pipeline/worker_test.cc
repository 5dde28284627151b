// The worker over a real SQLite store, with scripted stages.
#include "worker/worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <iterator>
#include <stdexcept>
#include <thread>

#include "testing/pipeline_fixture.h"

namespace aiprod {
namespace {

class WorkerTest : public testing::PipelineTest {
 protected:
  int Claims(const std::string& id) {
    int n = 0;
    auto events = store_->ListEvents(id);  // named: a range-for over *temporary dangles
    EXPECT_TRUE(events);
    for (const auto& e : *events) n += e.type == "claimed";
    return n;
  }
};

TEST_F(WorkerTest, ADrainingWorkerGivesBackTheJobsItLeasedAhead) {
  config_.queue.prefetch = 3;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(NewJobId());
  std::atomic<Worker*> worker{nullptr};
  // The first job's first stage stops the worker: its claim leased three more ahead.
  auto stages = [&] {
    return testing::ScriptedStages(calls_, {{"plan", [&](const StageContext&, int) {
                                               worker.load()->RequestStop();
                                               return StageOutcome::Done({});
                                             }}});
  };
  WorkerOptions options;
  options.concurrency = 1;
  options.database_url = dir_.File("aiprod.db");
  Worker w(*store_, services_, stages, options);
  worker = &w;
  std::thread run([&] { w.Run(); });
  run.join();
  EXPECT_EQ(calls_["plan"], 1);
  // Which jobs were leased ahead depends on the order of ids created within one
  // millisecond; how many does not: the one run and three ahead, once each.
  int claimed = 0, queued = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    Job job = *store_->GetJob(ids[i]);
    EXPECT_TRUE(job.lease_owner.empty()) << "job " << i << " is still leased";
    EXPECT_EQ(job.attempts, 0) << i;
    int n = Claims(ids[i]);
    EXPECT_LE(n, 1) << i;
    claimed += n;
    queued += job.state == JobState::kQueued;
  }
  EXPECT_EQ(claimed, 4);
  EXPECT_EQ(queued, 4);  // only the stopped job moved on (its plan was kept)
}

// What `aiprod serve` relied on its own loop for: a stage that throws loses
// its run, not the worker thread (nor the process); the next job runs.
TEST_F(WorkerTest, AStageThatThrowsLosesItsRunNotTheWorker) {
  config_.queue.poll_ms = 10;
  std::string first = NewJobId();
  std::string second = NewJobId();
  auto stages = [&] {
    return testing::ScriptedStages(calls_, {{"plan", [](const StageContext&, int call) {
                                               if (call == 1) throw std::runtime_error("boom");
                                               return StageOutcome::Done({});
                                             }}});
  };
  WorkerOptions options;
  options.exit_when_idle = true;
  options.database_url = dir_.File("aiprod.db");
  Worker w(*store_, services_, stages, options);
  w.Run();
  EXPECT_EQ(w.stats().errors.load(), 1);
  EXPECT_EQ(w.stats().delivered.load(), 1);
  EXPECT_EQ(calls_["plan"], 2);
  // The job whose stage threw keeps its lease until it expires, then is retried.
  int delivered = (store_->GetJob(first)->state == JobState::kDelivered) +
                  (store_->GetJob(second)->state == JobState::kDelivered);
  EXPECT_EQ(delivered, 1);
}

// Each thread gets its own progress listener (serve feeds stage timings to
// its metrics through one).
TEST_F(WorkerTest, EachThreadReportsProgressToItsOwnListener) {
  class Count final : public ProgressListener {
   public:
    explicit Count(std::atomic<int>& starts) : starts_(starts) {}
    void OnStageStart(const Job&, std::string_view) override { ++starts_; }
    void OnStageProgress(const Job&, std::string_view, double) override {}
    void OnStateChange(const Job&, JobState) override {}

   private:
    std::atomic<int>& starts_;
  };
  NewJobId();
  std::atomic<int> starts{0}, listeners{0};
  WorkerOptions options;
  options.concurrency = 2;
  options.exit_when_idle = true;
  options.database_url = dir_.File("aiprod.db");
  Worker w(
      *store_, services_, [&] { return testing::ScriptedStages(calls_); }, options);
  w.Run([&]() -> std::unique_ptr<ProgressListener> {
    ++listeners;
    return std::make_unique<Count>(starts);
  });
  EXPECT_EQ(listeners.load(), 2);
  int runs = 0;
  for (const auto& [stage, n] : calls_) runs += n;
  EXPECT_EQ(runs, static_cast<int>(std::size(testing::kStages)));
  EXPECT_EQ(starts.load(), runs);
}

// Stopped before it runs (serve shutting down early), Run returns at once.
TEST_F(WorkerTest, AWorkerStoppedBeforeItRunsReturnsAtOnce) {
  std::string id = NewJobId();
  Worker w(
      *store_, services_, [&] { return testing::ScriptedStages(calls_); }, WorkerOptions{});
  w.RequestStop();
  w.Run();
  EXPECT_EQ(calls_["plan"], 0);
  EXPECT_EQ(store_->GetJob(id)->state, JobState::kQueued);
}

}  // namespace
}  // namespace aiprod
