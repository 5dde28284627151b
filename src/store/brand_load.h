// Running jobs per brand, for the scheduler's fairness between brands
// (ClaimRequest::brand_weight), kept by each Store in table brand_load.
//
// They used to be counted through an index on jobs' lease columns. Changing
// an indexed column at every claim meant PostgreSQL could never update a job
// in place (a HOT update): each claim wrote a new entry into all of jobs'
// indexes. Without it the queue drains ×1.08 faster (docs/BENCHMARKS.md).
//
// Each Store counts the leases it takes and gives up, per brand, in rows of
// its own: kind 'c' (taken) and kind 'r' (given up), so that its claims and
// its completions never wait on each other's row. A brand's running count is
// the sum over stores of c - r, counting a store only while its 'c' row has
// not expired: claims and renewals push that one lease length ahead, so a
// store that died stops counting when its leases would have expired.
//
// A lease counts until it ends, is found lost or, like any lease, expires
// (a worker that stopped on an error without releasing it: the store's next
// claim gives it up). The one inexactness: a commit that succeeds but whose
// answer is lost (the connection broke) counts its claims for as long as the
// store keeps that brand's row live.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/thread_annotations.h"
#include "store/sql.h"

namespace aiprod {

class BrandLoad {
 public:
  struct Held {
    std::string job_id;
    int64_t epoch = 0;
    std::string brand_id;    // "" for jobs without a brand
    int64_t expires_ms = 0;  // as far as this store knows (claims, renewals)
  };

  BrandLoad();

  // brand_id, n: the running jobs of each brand at `now_ms`, over all stores.
  static SqlStatement Read(int64_t now_ms);

  // In the transaction that takes `leases` (expiring at `expires_ms`):
  // counts them. Hold() them once it has committed.
  Status NoteTaken(SqlConnection& c, std::span<const Held> leases, int64_t expires_ms) const;
  void Hold(std::span<const Held> leases);

  // In a transaction that renews a held lease: keeps its brand's count live
  // until `expires_ms`. Nothing for a lease this store does not hold.
  Status NoteRenewed(SqlConnection& c, const std::string& job_id, int64_t epoch,
                     int64_t expires_ms);

  // Held leases that expired before `now_ms` without being renewed or ended
  // (a worker that stopped on an error without releasing): to be ended by
  // the next claim, so that they stop counting like any expired lease.
  std::vector<std::pair<std::string, int64_t>> Expired(int64_t now_ms) const;

  // In the transaction that ends held leases (a completion, a release):
  // counts them as given up. Forget() them once it has committed. Leases this
  // store does not hold are skipped, so each is given up once.
  Status NoteEnded(SqlConnection& c, std::span<const std::pair<std::string, int64_t>> leases) const;
  void Forget(std::span<const std::pair<std::string, int64_t>> leases);

  // A held lease found lost (another worker took it over): given up at once,
  // in a transaction of its own.
  Status GiveUp(SqlConnection& c, const std::string& job_id, int64_t epoch);

  // In a claim's transaction, at most once an hour: removes the rows of
  // other stores whose counts all expired more than an hour ago (gone).
  Status Prune(SqlConnection& c, int64_t now_ms);

  const std::string& store_id() const { return store_id_; }

 private:
  // Adds n per brand to rows of `kind`; 'c' rows also get `expires_ms`.
  Status Add(SqlConnection& c, char kind, const std::map<std::string, int64_t>& per_brand,
             int64_t expires_ms) const;
  std::vector<Held> Find(std::span<const std::pair<std::string, int64_t>> leases) const;

  const std::string store_id_;
  mutable Mutex mu_;
  std::map<std::string, Held> held_ GUARDED_BY(mu_);  // by job id
  int64_t pruned_ms_ GUARDED_BY(mu_) = 0;
};

}  // namespace aiprod
