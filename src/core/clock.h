// Time as an injected dependency, so tests control it.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace aiprod {

// Milliseconds since the Unix epoch. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
};

// A clock that moves only when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  int64_t NowMs() const override { return now_.load(); }
  void Advance(int64_t ms) { now_ += ms; }

 private:
  std::atomic<int64_t> now_;
};

// RFC 3339 UTC with milliseconds: 2026-11-24T02:09:50.123Z.
std::string FormatTimestamp(int64_t ms);

// The first millisecond of the calendar month (UTC) containing `ms`.
int64_t MonthStartUtc(int64_t ms);

}  // namespace aiprod
