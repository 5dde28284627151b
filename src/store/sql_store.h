// The Store written once over the SQL seam; engines differ only in the
// connections they make and their dialect.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <span>

#include "core/thread_annotations.h"
#include "store/brand_load.h"
#include "store/group_commit.h"
#include "store/pool.h"
#include "store/store.h"
#include "store/transition_sql.h"

namespace aiprod {

class SqlStore final : public Store {
 public:
  explicit SqlStore(std::shared_ptr<ConnectionPool> pool);

  Status Migrate() override;
  Result<int> SchemaVersion() override;
  int LatestSchemaVersion() const override;
  std::string Engine() const override { return pool_->engine(); }
  const std::shared_ptr<ConnectionPool>& pool() const { return pool_; }

  // Jobs created at the same time share one transaction (group_commit.h).
  Result<Job> CreateJob(const NewJob& job) override;
  Result<Job> GetJob(const std::string& id) override;
  Result<std::vector<Job>> ListJobs(const JobFilter& filter) override;
  Result<std::vector<JobEvent>> ListEvents(const std::string& job_id) override;
  Result<std::optional<Json>> GetCheckpoint(const std::string& job_id,
                                            const std::string& stage) override;

  // Claims made at the same time share one transaction: one candidate scan,
  // one commit, each claimer still gets its own job and lease.
  Result<std::optional<Lease>> Claim(const ClaimRequest& request) override;
  Status Renew(Lease& lease, int64_t now_ms, int64_t ttl_ms) override;
  Status Release(const Lease& lease, int64_t now_ms) override;
  Status ReleasePrefetched(int64_t now_ms) override;
  Status BreakLease(const std::string& job_id, int64_t epoch, int64_t now_ms) override;

  // Transitions applied at the same time share one transaction; a refused one
  // (lease lost, wrong state) writes nothing and does not hold the others back.
  Status Apply(const std::string& job_id, const Lease* lease, const JobTransition& t,
               int64_t now_ms) override;
  Status AppendEvent(const std::string& job_id, const Lease* lease, const std::string& type,
                     const Json& data, int64_t now_ms) override;
  Result<JobState> RequestCancel(const std::string& job_id, const std::string& by,
                                 int64_t now_ms) override;
  Result<JobState> Retry(const std::string& job_id, const std::string& by, int64_t now_ms) override;

 private:
  // Checks that `lease` (or, without one, no live lease) covers the job, inside
  // a transaction. Refusals go to `*refusal`; the returned Status is the
  // database's failure (after which the transaction must not commit).
  Status CheckFence(SqlConnection& c, const std::string& job_id, const Lease* lease, int64_t now_ms,
                    std::string* state_out, Status* refusal);
  // Why a reviewer's edit or approval changed nothing (t.expect_unapproved,
  // t.expect_manifest_revision), inside the transaction.
  Status CheckReview(SqlConnection& c, const std::string& job_id, const JobTransition& t,
                     Status* refusal);
  Result<Job> LoadJob(SqlConnection& c, const std::string& id);
  Status NotifyRunnable(SqlConnection& c);
  struct Creation {
    const NewJob* job;
    Job created;
  };
  Status CreateJobs(std::span<Creation* const> batch);
  struct ClaimItem {
    const ClaimRequest* request;
    std::optional<Lease> lease;
  };
  Status ClaimJobs(std::span<ClaimItem* const> batch);
  // A lease claimed ahead with at least half of r.ttl_ms left; older ones
  // are given back (their jobs may be waiting for another worker).
  std::optional<Lease> TakePrefetched(const ClaimRequest& r);
  // A transition to write, and what came of it.
  struct Application : TransitionWrite {
    Status outcome;  // a refusal; the batch's Status is for failures of the database
  };
  Status ApplyAll(std::span<Application* const> batch);
  // Inside ApplyAll's transaction: why `a` is refused (into a.outcome),
  // read after its update changed nothing.
  Status Diagnose(SqlConnection& c, Application& a);
  // After a's update: a refusal when it changed nothing (a.outcome), else
  // its checkpoint. The returned Status fails the whole batch.
  Status FinishApply(SqlConnection& c, Application& a, bool changed, bool* notify);

  std::shared_ptr<ConnectionPool> pool_;
  BrandLoad load_;  // the leases this store holds, counted per brand
  GroupCommit<Creation> creations_;
  GroupCommit<ClaimItem> claims_;
  GroupCommit<Application> applications_;
  Mutex prefetched_mu_;
  // Leases claimed ahead, oldest first. A taken lease keeps the owner of the
  // claim that fetched it (this process).
  std::deque<Lease> prefetched_ GUARDED_BY(prefetched_mu_);
};

}  // namespace aiprod
