// The Store written once over the SQL seam; engines differ only in the
// connections they make and their dialect. Holds a small pool of connections
// so that threads (a worker's heartbeat, the API's handlers) do not contend on one.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

#include "store/migrations.h"
#include "store/sql.h"
#include "store/store.h"

namespace aiprod {

class SqlStore final : public Store {
 public:
  using ConnectionFactory = std::function<Result<std::unique_ptr<SqlConnection>>()>;

  SqlStore(SqlDialect dialect, std::string engine, ConnectionFactory factory,
           size_t max_idle = 8);

  Status Migrate() override;
  Result<int> SchemaVersion() override;
  int LatestSchemaVersion() const override;
  std::string Engine() const override { return engine_; }

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

 private:
  // A pooled connection, returned to the pool when destroyed (if healthy).
  class Conn {
   public:
    Conn(SqlStore* store, std::unique_ptr<SqlConnection> c) : store_(store), c_(std::move(c)) {}
    Conn(Conn&&) = default;
    ~Conn();
    SqlConnection* operator->() { return c_.get(); }
    SqlConnection& operator*() { return *c_; }

   private:
    SqlStore* store_;
    std::unique_ptr<SqlConnection> c_;
  };

  Result<Conn> Acquire();
  // Checks that `lease` (or, without one, no live lease) covers the job, inside a transaction.
  Status CheckFence(SqlConnection& c, const std::string& job_id, const Lease* lease,
                    int64_t now_ms, std::string* state_out);
  Result<Job> LoadJob(SqlConnection& c, const std::string& id);
  std::string ForUpdate() const;

  SqlDialect dialect_;
  std::string engine_;
  ConnectionFactory factory_;
  size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<SqlConnection>> idle_;  // guarded by mu_
};

}  // namespace aiprod
