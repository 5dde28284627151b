// The worker over a real SQLite store, with scripted stages.
#include "worker/worker.h"

#include <gtest/gtest.h>

#include <atomic>
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

}  // namespace
}  // namespace aiprod
