#include "cli/signals.h"

#include <pthread.h>
#include <signal.h>

namespace aiprod::cli {
namespace {

sigset_t StopSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);  // our own wake-up for shutdown of the watcher
  return set;
}

}  // namespace

StopSignals::StopSignals(std::function<void()> on_stop) {
  sigset_t set = StopSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  watcher_ = std::thread([set, on_stop = std::move(on_stop)] {
    int sig = 0;
    if (sigwait(&set, &sig) == 0 && sig != SIGUSR1) on_stop();
  });
}

StopSignals::~StopSignals() {
  pthread_kill(watcher_.native_handle(), SIGUSR1);
  watcher_.join();
  sigset_t set = StopSet();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace aiprod::cli
