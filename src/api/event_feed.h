// Where a job's event stream (GET /v1/jobs/{id}/events) gets new events. Now
// it polls the job_events table; a PostgreSQL LISTEN/NOTIFY feed can replace
// the polling behind the same interface. Thread-safe implementations.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/job.h"
#include "store/job_queries.h"

namespace aiprod::api {

class JobEventFeed {
 public:
  virtual ~JobEventFeed() = default;
  // Events of `job_id` with id > `after_id`, oldest first, at most `limit`.
  virtual Result<std::vector<JobEvent>> After(const std::string& job_id, int64_t after_id,
                                              int limit) = 0;
  // The job's state now (nullopt: no such job).
  virtual Result<std::optional<JobState>> State(const std::string& job_id) = 0;
};

class PollingEventFeed final : public JobEventFeed {
 public:
  explicit PollingEventFeed(JobQueries& queries) : queries_(queries) {}
  Result<std::vector<JobEvent>> After(const std::string& job_id, int64_t after_id,
                                      int limit) override {
    return queries_.EventsAfter(job_id, after_id, limit);
  }
  Result<std::optional<JobState>> State(const std::string& job_id) override {
    return queries_.StateOf(job_id);
  }

 private:
  JobQueries& queries_;
};

}  // namespace aiprod::api
