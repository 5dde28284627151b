// Waking idle workers when a job becomes runnable. On PostgreSQL, a LISTEN
// connection delivers the NOTIFY that job writes send; elsewhere (SQLite),
// waiting is plain polling. Either way Wait returns after at most `max`, so a
// lost notification costs one poll interval, never a stuck job.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/error.h"

namespace aiprod {

inline constexpr const char* kJobsChannel = "aiprod_jobs";

class JobWaiter {
 public:
  virtual ~JobWaiter() = default;
  // Blocks until a job may be runnable or `max` passes. Thread-compatible.
  virtual void Wait(std::chrono::milliseconds max) = 0;
  // Wakes a Wait in progress (shutdown). Thread-safe.
  virtual void Interrupt() = 0;
};

// A waiter for the database at `url`: LISTEN/NOTIFY for PostgreSQL (falls
// back to polling while the server is unreachable), polling otherwise.
std::unique_ptr<JobWaiter> MakeJobWaiter(const std::string& url);

}  // namespace aiprod
