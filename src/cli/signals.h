// SIGINT/SIGTERM turned into a callback on an ordinary thread: the signals are
// blocked in every thread started after construction and a watcher thread
// sigwait()s for them, so the callback may lock, log and call into the store.
#pragma once

#include <functional>
#include <thread>

namespace aiprod::cli {

class StopSignals {
 public:
  // Call before starting other threads (they inherit the blocked mask).
  explicit StopSignals(std::function<void()> on_stop);
  ~StopSignals();  // restores the mask; joins the watcher
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  std::thread watcher_;
};

}  // namespace aiprod::cli
