// Per-principal rate limit: a token bucket per key, refilled at `per_s`
// tokens a second up to `burst`. In memory, per process (each API process
// enforces its own share). Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"
#include "core/thread_annotations.h"

namespace aiprod::api {

class RateLimiter {
 public:
  // per_s == 0 disables the limit.
  RateLimiter(double per_s, int burst, const Clock& clock)
      : per_s_(per_s), burst_(burst), clock_(clock) {}

  // 0 when the request may proceed; otherwise the milliseconds until it could.
  int64_t Acquire(const std::string& key);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t at_ms = 0;
  };
  double per_s_;
  int burst_;
  const Clock& clock_;
  Mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_ GUARDED_BY(mu_);
};

}  // namespace aiprod::api
