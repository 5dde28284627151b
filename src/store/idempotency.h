// Idempotency keys of job creation: (principal, key) -> the job id chosen by
// the first request, with a hash of that request's body. The job id is
// reserved before the job is created, so a retry after a crash between the
// two creates the same job instead of a second one. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "core/error.h"

namespace aiprod {

struct IdempotencyRecord {
  std::string request_hash;
  std::string job_id;
  int64_t created_at_ms = 0;
  bool inserted = false;  // true: this call reserved the key
};

// Opened with the store (store/database.h).
class IdempotencyRepository {
 public:
  virtual ~IdempotencyRepository() = default;

  // Reserves `key` for `job_id`, or returns the earlier reservation.
  virtual Result<IdempotencyRecord> Reserve(const std::string& principal, const std::string& key,
                                            const std::string& request_hash,
                                            const std::string& job_id, int64_t now_ms) = 0;
  // Forgets reservations older than `before_ms`; returns how many.
  virtual Result<int64_t> Purge(int64_t before_ms) = 0;
};

}  // namespace aiprod
