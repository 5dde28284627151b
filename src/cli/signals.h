// SIGINT/SIGTERM turned into a callback on an ordinary thread. main() blocks
// the signals before any other thread exists (threads inherit the mask) and
// a watcher thread sigwait()s for them, so the callback may lock, log and call
// into the store. With no callback registered a signal has its default effect.
#pragma once

#include <functional>

namespace aiprod::cli {

// Call first thing in main(), before any thread is started.
void InstallSignalWatcher();

// Routes stop signals to `on_stop` while alive. A second signal after the
// first has its default effect, so a stuck shutdown can still be interrupted.
class StopSignals {
 public:
  explicit StopSignals(std::function<void()> on_stop);
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
};

}  // namespace aiprod::cli
