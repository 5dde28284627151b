#include "api/failure_throttle.h"

namespace aiprod::api {

void FailureThrottle::Close(const std::string& name, Source& s) {
  for (auto& [key, c] : s.counters) {
    if (c.counted > 0) {
      pending_.push_back({name, key.first, key.second, s.window * kWindowMs, c.counted});
    }
  }
  s.counters.clear();
  s.failures = 0;
}

bool FailureThrottle::Admit(const std::string& source, const std::string& action,
                            const std::string& reason, int64_t now_ms, bool blocking) {
  const int64_t window = now_ms / kWindowMs;
  std::lock_guard lock(mu_);
  const std::string* name = &source;
  if (!sources_.contains(source) && sources_.size() >= static_cast<size_t>(o_.max_sources)) {
    // Full: forget the addresses whose minute is over (one scan a minute at
    // most), else count under "*" (which may take one slot past the bound).
    for (auto s = sources_.begin(); purged_window_ != window && s != sources_.end();) {
      if (s->second.window < window && s->first != "*") {
        Close(s->first, s->second);
        s = sources_.erase(s);
      } else {
        ++s;
      }
    }
    purged_window_ = window;
    static const std::string kOthers = "*";
    if (sources_.size() >= static_cast<size_t>(o_.max_sources)) name = &kOthers;
  }
  Source& s = sources_[*name];
  if (s.window != window) {
    Close(*name, s);
    s.window = window;
  }
  if (blocking) ++s.failures;
  Counter& c = s.counters[{action, reason}];
  if (c.written < o_.rows_per_minute) {
    ++c.written;
    return true;
  }
  ++c.counted;
  return false;
}

int64_t FailureThrottle::BlockedForMs(const std::string& source, int64_t now_ms) const {
  if (o_.block_after <= 0) return 0;
  const int64_t window = now_ms / kWindowMs;
  std::lock_guard lock(mu_);
  auto it = sources_.find(source);
  if (it == sources_.end() || it->second.window != window || it->second.failures < o_.block_after) {
    return 0;
  }
  return (window + 1) * kWindowMs - now_ms;
}

std::vector<FailureThrottle::Aggregate> FailureThrottle::TakeAggregates(int64_t now_ms,
                                                                        bool everything) {
  const int64_t window = now_ms / kWindowMs;
  std::lock_guard lock(mu_);
  for (auto s = sources_.begin(); s != sources_.end();) {
    if (everything || s->second.window < window) {
      Close(s->first, s->second);
      s = sources_.erase(s);
    } else {
      ++s;
    }
  }
  return std::exchange(pending_, {});
}

}  // namespace aiprod::api
