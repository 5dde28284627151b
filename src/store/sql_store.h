// The Store written once over the SQL seam; engines differ only in the
// connections they make and their dialect.
#pragma once

#include <memory>
#include <span>

#include "store/group_commit.h"
#include "store/pool.h"
#include "store/store.h"

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

  Result<std::optional<Lease>> Claim(const ClaimRequest& request) override;
  Status Renew(Lease& lease, int64_t now_ms, int64_t ttl_ms) override;
  Status Release(const Lease& lease, int64_t now_ms) override;
  Status BreakLease(const std::string& job_id, int64_t epoch, int64_t now_ms) override;

  Status Apply(const std::string& job_id, const Lease* lease, const JobTransition& t,
               int64_t now_ms) override;
  Status AppendEvent(const std::string& job_id, const Lease* lease, const std::string& type,
                     const Json& data, int64_t now_ms) override;
  Result<JobState> RequestCancel(const std::string& job_id, const std::string& by,
                                 int64_t now_ms) override;
  Result<JobState> Retry(const std::string& job_id, const std::string& by, int64_t now_ms) override;

 private:
  // Checks that `lease` (or, without one, no live lease) covers the job, inside a transaction.
  Status CheckFence(SqlConnection& c, const std::string& job_id, const Lease* lease, int64_t now_ms,
                    std::string* state_out);
  // t.expect_manifest_revision against the stored manifest, inside the transaction.
  Status CheckManifestRevision(SqlConnection& c, const std::string& job_id, const JobTransition& t);
  Result<Job> LoadJob(SqlConnection& c, const std::string& id);
  Status NotifyRunnable(SqlConnection& c);
  struct Creation {
    const NewJob* job;
    Job created;
  };
  Status CreateJobs(std::span<Creation* const> batch);

  std::shared_ptr<ConnectionPool> pool_;
  GroupCommit<Creation> creations_;
};

}  // namespace aiprod
