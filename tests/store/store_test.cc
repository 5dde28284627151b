// Store and queue behaviour. Written against the Store interface so that
// every engine runs the same suite (StoreEngines lists them).
#include "store/store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <mutex>
#include <set>
#include <thread>

#include "core/clock.h"
#include "core/ids.h"
#include "store/migrations.h"
#include "store/pool.h"
#include "store/sql_store.h"
#include "testing/engine_store.h"

namespace aiprod {
namespace {

constexpr int64_t kT0 = 1'800'000'000'000;

class StoreTest : public testing::EngineStoreTest {
 protected:
  Job Create(Priority p = Priority::kNormal, std::string brand = "b1", int64_t now = kT0,
             Store* store = nullptr) {
    NewJob nj;
    nj.id = NewUuidV7(clock_);
    clock_.Advance(1);
    nj.brief.content = "Hello.";
    nj.brief.priority = p;
    nj.brief.brand_id = brand;
    nj.brief.target_langs = {"en"};
    nj.brief.aspect_ratios = {"16:9"};
    nj.now_ms = now;
    auto job = (store ? store : store_.get())->CreateJob(nj);
    EXPECT_TRUE(job) << job.error().ToString();
    return *job;
  }

  std::optional<Lease> ClaimAt(int64_t now, std::string owner = "w1", int64_t ttl = 1000) {
    auto l = store_->Claim({owner, now, ttl, {}});
    EXPECT_TRUE(l) << l.error().ToString();
    return *l;
  }

  // A claim scheduled by brand alone: no aging, half a level per running job.
  static ClaimRequest FairClaim(int64_t now, int64_t ttl) {
    ClaimRequest r{"w", now, ttl, {}};
    r.aging_ms = 0;
    r.brand_weight = 0.5;
    return r;
  }

  FakeClock clock_{kT0};
};

TEST_P(StoreTest, MigrationsAreIdempotentAndVersioned) {
  ASSERT_TRUE(store_->Migrate());
  EXPECT_EQ(*store_->SchemaVersion(), store_->LatestSchemaVersion());
  EXPECT_GE(store_->LatestSchemaVersion(), 1);
}

TEST_P(StoreTest, RefusesADatabaseFromTheFuture) {
  auto pool = OpenPool(db_.url());
  ASSERT_TRUE(pool);
  auto c = (*pool)->Acquire();
  ASSERT_TRUE(c);
  ASSERT_TRUE((*c)->Exec("INSERT INTO schema_migrations VALUES (999, 'future', 0)"));
  auto st = store_->Migrate();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kConflict);
}

// Version 5 rebuilds SQLite's job_events (and drops PostgreSQL's foreign
// key): every event of a database made by an older release survives with
// its id, and new events number on after them.
TEST_P(StoreTest, UpgradingKeepsEveryEventAndItsId) {
  testing::EngineDatabase old_db(GetParam());
  ASSERT_TRUE(old_db.ok());
  const std::string job_id = NewUuidV7(clock_);
  {
    auto pool = OpenPool(old_db.url());
    ASSERT_TRUE(pool);
    auto c = (*pool)->Acquire();
    ASSERT_TRUE(c);
    ASSERT_TRUE(ApplyMigrations(**c, (*pool)->dialect(), kT0, 4));
    // The job as that release created it (today's CreateJob returns columns
    // added since).
    ASSERT_TRUE(
        (*c)->Exec("INSERT INTO jobs (id, content, preset, state, brand_id, run_after, "
                   "created_at, updated_at) VALUES (?, 'Hello.', 'promo', 'queued', "
                   "'b1', ?, ?, ?)",
                   {job_id, kT0, kT0, kT0}));
    ASSERT_TRUE(
        (*c)->Exec("INSERT INTO job_events (job_id, event_type, to_state, created_at) "
                   "VALUES (?, 'created', 'queued', ?)",
                   {job_id, kT0}));
  }
  auto opened = OpenStore(old_db.url());
  ASSERT_TRUE(opened);
  Store& old = **opened;
  ASSERT_EQ(*old.SchemaVersion(), 4);
  auto lease = old.Claim({"w1", kT0, 1000, {}});
  ASSERT_TRUE(lease && *lease);
  auto before = old.ListEvents(job_id);
  ASSERT_TRUE(before);
  ASSERT_EQ(before->size(), 2u);  // created, claimed

  ASSERT_TRUE(old.Migrate());
  EXPECT_EQ(*old.SchemaVersion(), old.LatestSchemaVersion());
  ASSERT_TRUE(old.Release(**lease, kT0 + 1));
  ASSERT_TRUE(old.AppendEvent(job_id, nullptr, "note", {{"n", 1}}, kT0 + 2));
  auto after = old.ListEvents(job_id);
  ASSERT_TRUE(after);
  ASSERT_GE(after->size(), 3u);
  for (size_t i = 0; i < before->size(); ++i) {
    EXPECT_EQ((*after)[i].id, (*before)[i].id);
    EXPECT_EQ((*after)[i].type, (*before)[i].type);
  }
  EXPECT_GT(after->back().id, before->back().id);
  EXPECT_EQ(after->back().type, "note");
}

TEST_P(StoreTest, AnEventForAJobThatDoesNotExistIsRefused) {
  auto st = store_->AppendEvent("nope", nullptr, "note", {}, kT0);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
  Lease stranger{"nope", "w1", 1, kT0 + 1000};
  EXPECT_EQ(store_->AppendEvent("nope", &stranger, "note", {}, kT0).error().code,
            ErrorCode::kNotFound);
}

// A request's reads share one connection in one read transaction; writes
// made inside still land at once.
TEST_P(StoreTest, AReadScopeLendsOneConnectionAndLetsWritesThrough) {
  auto pool = OpenPool(db_.url());
  ASSERT_TRUE(pool) << pool.error().ToString();
  SqlStore scoped(*pool);
  const Job first = Create();
  {
    ConnectionPool::ReadScope scope(**pool);
    auto a = (*pool)->Acquire(), b = (*pool)->Acquire();
    ASSERT_TRUE(a && b);
    EXPECT_EQ(&**a, &**b);
    {
      ConnectionPool::ReadScope nested(**pool);
      auto c = (*pool)->Acquire();
      ASSERT_TRUE(c);
      EXPECT_EQ(&**c, &**a);
    }
    ASSERT_TRUE(scoped.GetJob(first.id));
    const Job meanwhile = Create();  // through another pool
    auto seen = scoped.GetJob(meanwhile.id);
    if (GetParam() == "sqlite") {  // one snapshot for the whole scope
      ASSERT_FALSE(seen);
      EXPECT_EQ(seen.error().code, ErrorCode::kNotFound);
    } else {  // PostgreSQL reads statement by statement
      EXPECT_TRUE(seen);
    }
    // A write inside the scope ends its read transaction and commits at once.
    const Job written = Create(Priority::kNormal, "b1", kT0, &scoped);
    EXPECT_TRUE(store_->GetJob(written.id)) << "not visible outside the scope";
    EXPECT_TRUE(scoped.GetJob(meanwhile.id));
  }
  // Back to one connection per caller.
  auto a = (*pool)->Acquire(), b = (*pool)->Acquire();
  ASSERT_TRUE(a && b);
  EXPECT_NE(&**a, &**b);
}

// Jobs created at the same time share transactions (group commit): every one
// lands once, with its event, and a duplicate id fails alone.
TEST_P(StoreTest, ConcurrentCreationsAllLandAndADuplicateFailsAlone) {
  const Job existing = Create();
  constexpr int kThreads = 8, kEach = 10;
  std::vector<NewJob> jobs(kThreads * kEach);
  for (size_t i = 0; i < jobs.size(); ++i) {
    jobs[i].id = i == 37 ? existing.id : NewUuidV7(clock_);
    clock_.Advance(1);
    jobs[i].brief.content = "Job " + std::to_string(i) + ".";
    jobs[i].brief.brand_id = "b1";
    jobs[i].brief.target_langs = {"en"};
    jobs[i].brief.aspect_ratios = {"16:9"};
    jobs[i].now_ms = kT0;
  }
  std::vector<Result<Job>> results(jobs.size(), Fail(ErrorCode::kInternal, "not run"));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t * kEach; i < (t + 1) * kEach; ++i) results[i] = store_->CreateJob(jobs[i]);
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (i == 37) {
      ASSERT_FALSE(results[i]);
      EXPECT_EQ(results[i].error().code, ErrorCode::kConflict);
      continue;
    }
    ASSERT_TRUE(results[i]) << i << ": " << results[i].error().ToString();
    EXPECT_EQ(results[i]->id, jobs[i].id);
    EXPECT_EQ(results[i]->brief.content, jobs[i].brief.content);
  }
  JobFilter all;
  all.limit = 1000;
  auto listed = store_->ListJobs(all);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), jobs.size());  // the existing job and every new one but the duplicate
  auto events = store_->ListEvents(jobs[5].id);
  ASSERT_TRUE(events);
  EXPECT_EQ(events->size(), 1u);
}

TEST_P(StoreTest, CreateGetAndEvents) {
  Job j = Create();
  auto got = store_->GetJob(j.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->state, JobState::kQueued);
  EXPECT_EQ(got->brief.content, "Hello.");
  EXPECT_EQ(got->brief.target_langs, std::vector<std::string>{"en"});
  EXPECT_EQ(got->run_after_ms, kT0);
  auto events = store_->ListEvents(j.id);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].type, "created");
  EXPECT_EQ(store_->GetJob("nope").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, ListFiltersAndPaginates) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Create(Priority::kNormal, i % 2 ? "odd" : "even").id);
  JobFilter f;
  f.limit = 2;
  auto page1 = store_->ListJobs(f);
  ASSERT_TRUE(page1);
  ASSERT_EQ(page1->size(), 2u);
  EXPECT_EQ((*page1)[0].id, ids[0]);
  f.after_id = page1->back().id;
  auto page2 = store_->ListJobs(f);
  ASSERT_EQ(page2->size(), 2u);
  EXPECT_EQ((*page2)[0].id, ids[2]);
  JobFilter by_brand;
  by_brand.brand_id = "odd";
  EXPECT_EQ(store_->ListJobs(by_brand)->size(), 2u);
  JobFilter by_state;
  by_state.state = JobState::kDelivered;
  EXPECT_TRUE(store_->ListJobs(by_state)->empty());
}

TEST_P(StoreTest, ClaimTakesTheMostUrgentAndHoldsTheLease) {
  Job low = Create(Priority::kLow);
  Job high = Create(Priority::kHigh);
  auto a = ClaimAt(kT0 + 1);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->job_id, high.id);
  EXPECT_EQ(a->epoch, 1);
  auto b = ClaimAt(kT0 + 2, "w2");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->job_id, low.id);
  EXPECT_FALSE(ClaimAt(kT0 + 3, "w3"));  // both leased
}

TEST_P(StoreTest, LowPriorityDoesNotStarve) {
  // One level per minute of waiting: a low job (0) overtakes a fresh high job
  // (2) once it has waited two minutes longer.
  ClaimRequest r{"w", 0, 60'000, {}};
  r.aging_ms = 60'000;
  r.brand_weight = 0;
  Job low = Create(Priority::kLow, "b1", kT0);
  Job early_high = Create(Priority::kHigh, "b1", kT0 + 100'000);
  r.now_ms = kT0 + 101'000;  // low 1.68 < high 2.02
  auto first = store_->Claim(r);
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->job_id, early_high.id);
  Create(Priority::kHigh, "b1", kT0 + 130'000);
  r.now_ms = kT0 + 131'000;  // low 2.18 > high 2.02
  auto second = store_->Claim(r);
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->job_id, low.id);
}

TEST_P(StoreTest, BrandsShareWorkersFairly) {
  for (int i = 0; i < 4; ++i) Create(Priority::kNormal, "busy", kT0 + i);
  Job other = Create(Priority::kNormal, "quiet", kT0 + 10);
  ClaimRequest r = FairClaim(kT0 + 20, 60'000);
  auto a = store_->Claim(r);  // nobody runs yet: oldest "busy" job
  ASSERT_TRUE(a && *a);
  EXPECT_NE((*a)->job_id, other.id);
  auto b = store_->Claim(r);  // "busy" has one running now: "quiet" goes first
  ASSERT_TRUE(b && *b);
  EXPECT_EQ((*b)->job_id, other.id);
}

// Running jobs per brand are counted by each store (store/brand_load.h):
// another store (another worker process) sees them, sees them end, and
// stops counting a store that stopped renewing when its leases expire.
TEST_P(StoreTest, BrandFairnessCountsTheJobsOtherStoresRun) {
  auto other = OpenStore(db_.url());  // own connections and counts, like another process
  ASSERT_TRUE(other);
  Job busy1 = Create(Priority::kNormal, "busy", kT0);
  Job quiet1 = Create(Priority::kNormal, "quiet", kT0 + 1);
  Create(Priority::kNormal, "quiet", kT0 + 2);
  Job busy2 = Create(Priority::kNormal, "busy", kT0 + 3);
  ClaimRequest r = FairClaim(kT0 + 10, 60'000);
  auto a = store_->Claim(r);  // nobody runs yet: the oldest
  ASSERT_TRUE(a && *a);
  EXPECT_EQ((*a)->job_id, busy1.id);
  auto b = (*other)->Claim(r);  // "busy" runs in the first store
  ASSERT_TRUE(b && *b);
  EXPECT_EQ((*b)->job_id, quiet1.id);

  JobTransition done(JobState::kQueued, JobState::kDelivered);
  done.release_lease = true;
  ASSERT_TRUE(store_->Apply(busy1.id, &**a, done, kT0 + 20));
  r.now_ms = kT0 + 30;
  auto c = (*other)->Claim(r);  // "busy" ended, "quiet" runs here: busy2 before the older quiet2
  ASSERT_TRUE(c && *c);
  EXPECT_EQ((*c)->job_id, busy2.id);
}

TEST_P(StoreTest, BrandFairnessStopsCountingAStoreWhoseLeasesExpired) {
  auto other = OpenStore(db_.url());
  ASSERT_TRUE(other);
  Job busy1 = Create(Priority::kNormal, "busy", kT0);
  Create(Priority::kNormal, "busy", kT0 + 1);
  Job quiet1 = Create(Priority::kNormal, "quiet", kT0 + 2);
  ClaimRequest r = FairClaim(kT0 + 10, 1000);
  auto a = store_->Claim(r);  // leased until kT0 + 1010
  ASSERT_TRUE(a && *a);
  EXPECT_EQ((*a)->job_id, busy1.id);
  ASSERT_TRUE(store_->Renew(**a, kT0 + 800, 1000));  // until kT0 + 1800: still counted
  r.now_ms = kT0 + 1500;
  auto b = (*other)->Claim(r);
  ASSERT_TRUE(b && *b);
  EXPECT_EQ((*b)->job_id, quiet1.id);
  ASSERT_TRUE((*other)->Release(**b, kT0 + 1501));

  // The first store goes silent: past its lease, busy1 is the oldest runnable
  // job again and its brand counts nothing.
  r.now_ms = kT0 + 1900;
  auto c = (*other)->Claim(r);
  ASSERT_TRUE(c && *c);
  EXPECT_EQ((*c)->job_id, busy1.id);
  // The first store learns it lost the lease.
  EXPECT_EQ(store_->Renew(**a, kT0 + 1901, 1000).error().code, ErrorCode::kLeaseLost);
  r.now_ms = kT0 + 1910;
  auto d = store_->Claim(r);  // busy runs once (in the other store), quiet none
  ASSERT_TRUE(d && *d);
  EXPECT_EQ((*d)->job_id, quiet1.id);
}

TEST_P(StoreTest, BrandFairnessForgetsALeaseItsWorkerLeftToExpire) {
  auto other = OpenStore(db_.url());
  ASSERT_TRUE(other);
  Job busy1 = Create(Priority::kNormal, "busy", kT0);
  Job quiet1 = Create(Priority::kNormal, "quiet", kT0 + 1);
  Job busy2 = Create(Priority::kNormal, "busy", kT0 + 2);
  Create(Priority::kNormal, "quiet", kT0 + 3);
  ClaimRequest r = FairClaim(kT0 + 10, 1000);
  auto left = store_->Claim(r);  // then neither renewed nor released (a worker's error path)
  ASSERT_TRUE(left && *left);
  EXPECT_EQ((*left)->job_id, busy1.id);
  ClaimRequest only = r;
  only.ttl_ms = 60'000;
  only.now_ms = kT0 + 2000;
  only.job_id = quiet1.id;
  ASSERT_TRUE((*other)->Claim(only));  // "quiet" runs once
  only.job_id = busy2.id;
  only.now_ms = kT0 + 2001;
  ASSERT_TRUE(store_->Claim(only));  // "busy" runs once again: busy1's lease expired
  r.now_ms = kT0 + 2002;
  auto next = (*other)->Claim(r);  // one each: the oldest, busy1
  ASSERT_TRUE(next && *next);
  EXPECT_EQ((*next)->job_id, busy1.id);
}

TEST_P(StoreTest, PrefetchLeasesAheadAndGivesBackWhatWasNotTaken) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Create(Priority::kNormal, "b1", kT0 + i).id);
  auto leased = [&] {
    auto jobs = store_->ListJobs({});
    EXPECT_TRUE(jobs);
    return std::count_if(jobs->begin(), jobs->end(),
                         [](const Job& j) { return !j.lease_owner.empty(); });
  };
  ClaimRequest r{"w", kT0 + 10, 1000, {}};
  r.aging_ms = 0;
  r.brand_weight = 0;
  r.prefetch = 2;
  auto a = store_->Claim(r);  // the oldest for the claimer, the next two ahead
  ASSERT_TRUE(a && *a);
  EXPECT_EQ((*a)->job_id, ids[0]);
  EXPECT_EQ(leased(), 3);

  r.now_ms = kT0 + 20;
  auto b = store_->Claim(r);  // from the local queue: no new lease
  ASSERT_TRUE(b && *b);
  EXPECT_EQ((*b)->job_id, ids[1]);
  EXPECT_EQ(leased(), 3);
  JobTransition done(JobState::kQueued, JobState::kDelivered);
  done.release_lease = true;
  ASSERT_TRUE(store_->Apply(ids[1], &**b, done, kT0 + 21));  // a real, fenced lease
  EXPECT_EQ(leased(), 2);

  // Less than half of its lease left: ids[2] is given back (no attempt
  // counted), then claimed afresh with two new jobs ahead.
  r.now_ms = kT0 + 610;
  auto c = store_->Claim(r);
  ASSERT_TRUE(c && *c);
  EXPECT_EQ((*c)->job_id, ids[2]);
  EXPECT_EQ((*c)->epoch, 2);
  EXPECT_EQ(store_->GetJob(ids[2])->attempts, 0);
  EXPECT_EQ(leased(), 4);

  ASSERT_TRUE(store_->ReleasePrefetched(kT0 + 620));  // a draining worker
  EXPECT_EQ(leased(), 2);
  EXPECT_TRUE(store_->GetJob(ids[3])->lease_owner.empty());
  r.prefetch = 0;
  r.now_ms = kT0 + 630;
  auto d = store_->Claim(r);
  ASSERT_TRUE(d && *d);
  EXPECT_EQ((*d)->job_id, ids[3]);
  EXPECT_EQ(leased(), 3);
}

TEST_P(StoreTest, ExpiredLeaseIsTakenOverAndTheOldOwnerIsFenced) {
  Job j = Create();
  auto first = ClaimAt(kT0 + 1, "w1", 1000);
  ASSERT_TRUE(first);
  EXPECT_FALSE(ClaimAt(kT0 + 500, "w2"));
  auto second = ClaimAt(kT0 + 1002, "w2");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->epoch, first->epoch + 1);
  EXPECT_EQ(store_->GetJob(j.id)->attempts, 1);  // the lost lease counts as an attempt

  JobTransition t{JobState::kQueued, JobState::kPlanning};
  auto st = store_->Apply(j.id, &*first, t, kT0 + 1003);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kLeaseLost);
  EXPECT_EQ(store_->Renew(*first, kT0 + 1003, 1000).error().code, ErrorCode::kLeaseLost);
  EXPECT_EQ(store_->AppendEvent(j.id, &*first, "x", {}, kT0).error().code, ErrorCode::kLeaseLost);
  EXPECT_TRUE(store_->Apply(j.id, &*second, t, kT0 + 1003));
  EXPECT_EQ(store_->GetJob(j.id)->state, JobState::kPlanning);
}

TEST_P(StoreTest, ApplyWritesCheckpointPatchAndEventAtomically) {
  Job j = Create();
  auto lease = ClaimAt(kT0 + 1);
  ASSERT_TRUE(lease);
  JobTransition bad{JobState::kRendering, JobState::kQa};
  EXPECT_EQ(store_->Apply(j.id, &*lease, bad, kT0 + 2).error().code, ErrorCode::kConflict);

  JobTransition t{JobState::kQueued, JobState::kLocalizing};
  t.checkpoint_stage = "plan";
  t.checkpoint = {{"scenes", 3}};
  t.patch.production_manifest = Json{{"revision", 1}};
  t.patch.cost_estimate = Json{{"usd", 0.01}};
  t.run_after_ms = kT0 + 2;
  ASSERT_TRUE(store_->Apply(j.id, &*lease, t, kT0 + 2));
  auto got = store_->GetJob(j.id);
  EXPECT_EQ(got->state, JobState::kLocalizing);
  EXPECT_EQ(got->production_manifest["revision"], 1);
  EXPECT_EQ(got->cost_estimate["usd"], 0.01);
  EXPECT_TRUE(got->render_result.is_null());
  EXPECT_EQ((**store_->GetCheckpoint(j.id, "plan"))["scenes"], 3);
  EXPECT_FALSE(*store_->GetCheckpoint(j.id, "render"));
  auto events = *store_->ListEvents(j.id);
  EXPECT_EQ(events.back().from_state, "queued");
  EXPECT_EQ(events.back().to_state, "localizing");
}

TEST_P(StoreTest, HumanActionsWaitForLiveLeases) {
  Job j = Create();
  auto lease = ClaimAt(kT0 + 1, "w1", 1000);
  JobTransition cancel{JobState::kQueued, JobState::kCancelled};
  EXPECT_EQ(store_->Apply(j.id, nullptr, cancel, kT0 + 2).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(store_->Release(*lease, kT0 + 3));
  EXPECT_TRUE(store_->Apply(j.id, nullptr, cancel, kT0 + 4));
  EXPECT_FALSE(ClaimAt(kT0 + 5));  // run_after cleared: not runnable
}

TEST_P(StoreTest, ParkedAndFutureJobsAreNotClaimed) {
  Job j = Create();
  auto lease = ClaimAt(kT0 + 1);
  JobTransition retry{JobState::kQueued, JobState::kQueued, "retry_scheduled"};
  retry.run_after_ms = kT0 + 5000;
  retry.release_lease = true;
  retry.count_attempt = true;
  ASSERT_TRUE(store_->Apply(j.id, &*lease, retry, kT0 + 2));
  EXPECT_FALSE(ClaimAt(kT0 + 4999));
  auto again = ClaimAt(kT0 + 5000);
  ASSERT_TRUE(again);
  EXPECT_EQ(store_->GetJob(j.id)->attempts, 1);
}

TEST_P(StoreTest, BreakLeaseOnlyForTheSameEpoch) {
  Job j = Create();
  auto lease = ClaimAt(kT0 + 1, "w1", 60'000);
  EXPECT_EQ(store_->BreakLease(j.id, lease->epoch + 1, kT0 + 2).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(store_->BreakLease(j.id, lease->epoch, kT0 + 2));
  auto taken = ClaimAt(kT0 + 3, "w2");
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->job_id, j.id);
}

TEST_P(StoreTest, ManifestEditsCompareAndSetTheRevision) {
  Job j = Create();
  auto edit = [&](int64_t expect, int revision) {
    JobTransition t{JobState::kQueued, JobState::kQueued, "manifest_edited"};
    t.patch.production_manifest = Json{{"revision", revision}};
    t.expect_manifest_revision = expect;
    return store_->Apply(j.id, nullptr, t, kT0 + revision);
  };
  ASSERT_TRUE(edit(0, 1));  // no manifest yet counts as revision 0
  auto stale = edit(0, 1);  // a second editor who also read revision 0
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_NE(stale.error().message.find("revision 1"), std::string::npos) << stale.error().message;
  ASSERT_TRUE(edit(1, 2));
  EXPECT_EQ(store_->GetJob(j.id)->production_manifest["revision"], 2);
}

TEST_P(StoreTest, ConcurrentClaimersNeverShareAJob) {
  constexpr int kJobs = 40;
  for (int i = 0; i < kJobs; ++i) Create();
  std::mutex mu;
  std::multiset<std::string> claimed;
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      auto s = OpenStore(db_.url());  // own connections, like another process
      ASSERT_TRUE(s);
      for (;;) {
        auto l = (*s)->Claim({"w" + std::to_string(w), kT0 + 10, 60'000, {}});
        if (!l) continue;  // busy: try again
        if (!*l) break;
        std::lock_guard lock(mu);
        claimed.insert((*l)->job_id);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kJobs));
  for (const auto& id : claimed) EXPECT_EQ(claimed.count(id), 1u) << id;
}

// Worker threads of one process share the store, so their claims and
// completions are written in shared transactions: each must still get its own
// job, and a refused completion (a stale lease) must fail alone.
TEST_P(StoreTest, ClaimsAndCompletionsMadeTogetherStayExclusiveAndFenced) {
  constexpr int kJobs = 48, kThreads = 8;
  for (int i = 0; i < kJobs; ++i) Create(Priority::kNormal, "b" + std::to_string(i % 3));
  std::mutex mu;
  std::multiset<std::string> claimed;
  std::atomic<int> refused{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      start.arrive_and_wait();
      for (int n = 0;; ++n) {
        auto l = store_->Claim({"w" + std::to_string(w), kT0 + 10, 60'000, {}});
        ASSERT_TRUE(l) << l.error().ToString();
        if (!*l) break;
        JobTransition done(JobState::kQueued, JobState::kDelivered);
        done.release_lease = true;
        if (n == 0) {  // a stale lease of the same owner: refused, nothing written
          Lease stale = **l;
          stale.epoch -= 1;
          auto st = store_->Apply(stale.job_id, &stale, done, kT0 + 11);
          ASSERT_FALSE(st);
          EXPECT_EQ(st.error().code, ErrorCode::kLeaseLost);
          ++refused;
        }
        auto st = store_->Apply((*l)->job_id, &**l, done, kT0 + 11);
        ASSERT_TRUE(st) << st.error().ToString();
        std::lock_guard lock(mu);
        claimed.insert((*l)->job_id);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(refused.load(), kThreads);
  ASSERT_EQ(claimed.size(), static_cast<size_t>(kJobs));
  for (const auto& id : claimed) {
    EXPECT_EQ(claimed.count(id), 1u) << id;
    auto job = store_->GetJob(id);
    ASSERT_TRUE(job);
    EXPECT_EQ(job->state, JobState::kDelivered);
    EXPECT_TRUE(job->lease_owner.empty());
    auto events = store_->ListEvents(id);
    ASSERT_TRUE(events);
    ASSERT_EQ(events->size(), 3u) << id;  // created, claimed, state_changed: once each
    EXPECT_EQ((*events)[1].type, "claimed");
    EXPECT_EQ((*events)[2].to_state, "delivered");
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace aiprod
