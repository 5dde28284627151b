// Idempotency keys of job creation: (principal, key) -> the job id chosen by
// the first request, with a hash of that request's body. The job id is
// reserved before the job is created, so a retry after a crash between the
// two creates the same job instead of a second one. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "store/pool.h"

namespace aiprod {

struct IdempotencyRecord {
  std::string request_hash;
  std::string job_id;
  int64_t created_at_ms = 0;
  bool inserted = false;  // true: this call reserved the key
};

class IdempotencyRepository {
 public:
  explicit IdempotencyRepository(std::shared_ptr<ConnectionPool> pool) : pool_(std::move(pool)) {}

  // Reserves `key` for `job_id`, or returns the earlier reservation.
  Result<IdempotencyRecord> Reserve(const std::string& principal, const std::string& key,
                                    const std::string& request_hash, const std::string& job_id,
                                    int64_t now_ms);
  // Forgets reservations older than `before_ms`; returns how many.
  Result<int64_t> Purge(int64_t before_ms);

 private:
  std::shared_ptr<ConnectionPool> pool_;
};

}  // namespace aiprod
