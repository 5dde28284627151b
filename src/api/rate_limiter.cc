#include "api/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace aiprod::api {

int64_t RateLimiter::Acquire(const std::string& key) {
  if (per_s_ <= 0) return 0;
  int64_t now = clock_.NowMs();
  MutexLock lock(mu_);
  if (buckets_.size() > 100'000) {
    // Forget buckets that have refilled completely: they carry no state.
    std::erase_if(buckets_, [&](const auto& kv) {
      return kv.second.tokens + (now - kv.second.at_ms) * per_s_ / 1000.0 >= burst_;
    });
  }
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{static_cast<double>(burst_), now});
  Bucket& b = it->second;
  if (!fresh) {
    b.tokens = std::min<double>(burst_, b.tokens + (now - b.at_ms) * per_s_ / 1000.0);
    b.at_ms = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1 - b.tokens) * 1000.0 / per_s_)));
}

}  // namespace aiprod::api
