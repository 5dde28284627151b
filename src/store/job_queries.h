// Read-only queries over jobs that the HTTP service needs beyond the Store
// interface: counts for metrics and limits, events after a cursor (for event
// streams), recent failures and spend (alerts). Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/job.h"

namespace aiprod {

struct JobSpend {
  std::string brand_id;
  double usd = 0;  // sum of cost_estimate.usd
  int64_t jobs = 0;
};

struct FailedJob {
  std::string id, brand_id, state, error;
  int64_t updated_at_ms = 0;
};

// Opened with the store (store/database.h).
class JobQueries {
 public:
  virtual ~JobQueries() = default;

  virtual Result<std::map<std::string, int64_t>> CountByState() = 0;
  // Jobs runnable now and not leased.
  virtual Result<int64_t> QueueDepth(int64_t now_ms) = 0;
  // Unfinished jobs of a brand (not terminal, not parked for review), counted
  // up to `cap` (the answer is min(count, cap)).
  virtual Result<int64_t> CountActiveForBrand(const std::string& brand_id, int64_t cap) = 0;
  virtual Result<std::vector<JobEvent>> EventsAfter(const std::string& job_id, int64_t after_id,
                                                    int limit) = 0;
  virtual Result<std::vector<JobSpend>> SpendSince(int64_t since_ms) = 0;
  virtual Result<std::vector<FailedJob>> FailuresSince(int64_t since_ms, int limit) = 0;
  // The state of a job, or nullopt if there is none (cheap: one column).
  virtual Result<std::optional<JobState>> StateOf(const std::string& job_id) = 0;
};

}  // namespace aiprod
