// Failed credential checks (401s, refused signed links) per source address,
// so that a flood of bad requests costs a bounded number of audit rows and
// can be turned away before its credentials are even checked.
//
// The first `rows_per_minute` failures of an (address, action, reason) in a
// calendar minute are written as rows of their own (`Admit` says so); the
// rest are only counted, and `TakeAggregates` hands the counts back once the
// minute is over (or at shutdown) to be written as one row per (address,
// action, reason, minute). At most `max_sources` addresses are tracked;
// failures from further addresses are counted under the source "*". An
// address with `block_after` failures in the current minute is answered 429
// until the minute ends (`BlockedForMs`; 0 turns that off). Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace aiprod::api {

class FailureThrottle {
 public:
  struct Options {
    int rows_per_minute = 10;
    int max_sources = 10'000;
    int block_after = 600;
  };
  struct Aggregate {
    std::string source, action, reason;
    int64_t window_start_ms = 0;
    int64_t count = 0;  // failures not written as rows of their own
  };
  static constexpr int64_t kWindowMs = 60'000;

  explicit FailureThrottle(Options o) : o_(o) {}

  // Records a failure; true when it should be written as a row of its own.
  // `blocking`: it counts towards `block_after` (a 429 already answered
  // does not).
  bool Admit(const std::string& source, const std::string& action, const std::string& reason,
             int64_t now_ms, bool blocking = true);
  // How long `source` is still turned away (ms); 0 when it is not.
  int64_t BlockedForMs(const std::string& source, int64_t now_ms) const;
  // The counts of minutes that ended by `now_ms` (of every minute when
  // `everything`); forgets the addresses whose minute ended.
  std::vector<Aggregate> TakeAggregates(int64_t now_ms, bool everything);

 private:
  struct Counter {
    int written = 0;
    int64_t counted = 0;
  };
  struct Source {
    int64_t window = -1;
    int failures = 0;
    std::map<std::pair<std::string, std::string>, Counter> counters;  // (action, reason)
  };
  // Moves the counts of `s` (address `name`) to pending_ and clears them.
  void Close(const std::string& name, Source& s);

  const Options o_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Source> sources_;
  std::vector<Aggregate> pending_;
  int64_t purged_window_ = -1;  // the minute of the last scan for ended minutes
};

}  // namespace aiprod::api
