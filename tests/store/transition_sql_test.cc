// The transition UPDATEs on their own, without group commit's timing: a
// batch mixing shapes, fences that hold and fences that do not, must change
// exactly the jobs whose fence holds and name them, on both engines (one
// statement per shape on PostgreSQL, one per job on SQLite).
#include "store/transition_sql.h"

#include <gtest/gtest.h>

#include <set>

#include "core/clock.h"
#include "core/ids.h"
#include "store/pool.h"
#include "store/sql_store.h"
#include "testing/engine_store.h"

namespace aiprod {
namespace {

constexpr int64_t kT0 = 1'800'000'000'000;

class TransitionSqlTest : public testing::EngineStoreTest {
 protected:
  // A queued job, claimed by "w" when `claim` is set.
  std::pair<std::string, std::optional<Lease>> Job(bool claim) {
    NewJob nj;
    nj.id = NewUuidV7(clock_);
    nj.brief.content = "Hello.";
    nj.brief.target_langs = {"en"};
    nj.brief.aspect_ratios = {"16:9"};
    nj.now_ms = kT0;
    EXPECT_TRUE(store_->CreateJob(nj));
    if (!claim) return {nj.id, std::nullopt};
    auto l = store_->Claim({"w", kT0 + 1, 60'000, nj.id});
    EXPECT_TRUE(l && *l);
    return {nj.id, l && *l ? **l : std::optional<Lease>()};
  }

  SystemClock clock_;
};

TEST_P(TransitionSqlTest, ABatchChangesExactlyTheJobsWhoseFenceHolds) {
  // Four leased jobs completed (one with a stale epoch, one with another
  // owner), two with a patch and an attempt counted (another shape), and two
  // unleased jobs parked (one of them still under a live lease).
  std::vector<std::pair<std::string, std::optional<Lease>>> jobs;
  for (int i = 0; i < 6; ++i) jobs.push_back(Job(true));
  jobs.push_back(Job(false));
  jobs.push_back(Job(true));
  jobs[1].second->epoch -= 1;
  jobs[2].second->owner = "someone-else";

  JobTransition done(JobState::kQueued, JobState::kDelivered);
  done.release_lease = true;
  JobTransition failed(JobState::kQueued, JobState::kFailed);
  failed.patch.error = "it broke";
  failed.patch.qa_report = Json{{"score", 0.5}};
  failed.count_attempt = true;
  failed.release_lease = true;
  JobTransition parked(JobState::kQueued, JobState::kAwaitingApproval);
  std::vector<TransitionWrite> writes;
  for (int i = 0; i < 4; ++i) writes.push_back({&jobs[i].first, &*jobs[i].second, &done, kT0 + 2});
  for (int i = 4; i < 6; ++i) {
    writes.push_back({&jobs[i].first, &*jobs[i].second, &failed, kT0 + 2});
  }
  for (int i = 6; i < 8; ++i) writes.push_back({&jobs[i].first, nullptr, &parked, kT0 + 2});

  auto pool = OpenPool(db_.url());
  ASSERT_TRUE(pool);
  auto c = (*pool)->Acquire();
  ASSERT_TRUE(c);
  auto statements = TransitionUpdates((*pool)->dialect(), writes);
  EXPECT_EQ(statements.size(), GetParam() == "postgres" ? 3u : writes.size());
  std::set<std::string> changed;
  {
    auto tx = SqlTransaction::Begin(**c);
    ASSERT_TRUE(tx);
    auto results = (*c)->QueryAll(statements);
    ASSERT_TRUE(results) << results.error().ToString();
    for (const SqlRows& rows : *results) {
      for (size_t i = 0; i < rows.size(); ++i) changed.insert(rows.Text(i, "id"));
    }
    ASSERT_TRUE(tx->Commit());
  }
  EXPECT_EQ(changed, (std::set<std::string>{jobs[0].first, jobs[3].first, jobs[4].first,
                                            jobs[5].first, jobs[6].first}));
  auto state = [&](int i) { return store_->GetJob(jobs[i].first)->state; };
  EXPECT_EQ(state(0), JobState::kDelivered);
  EXPECT_EQ(state(1), JobState::kQueued);  // stale epoch
  EXPECT_EQ(state(2), JobState::kQueued);  // another owner
  EXPECT_EQ(state(3), JobState::kDelivered);
  EXPECT_EQ(state(6), JobState::kAwaitingApproval);
  EXPECT_EQ(state(7), JobState::kQueued);  // a live lease holds it
  for (int i = 4; i < 6; ++i) {
    auto job = store_->GetJob(jobs[i].first);
    ASSERT_TRUE(job);
    EXPECT_EQ(job->state, JobState::kFailed);
    EXPECT_EQ(job->error, "it broke");
    EXPECT_EQ(job->qa_report, (Json{{"score", 0.5}}));
    EXPECT_EQ(job->attempts, 1);
    EXPECT_TRUE(job->lease_owner.empty());
    EXPECT_EQ(job->updated_at_ms, kT0 + 2);
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, TransitionSqlTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace aiprod
