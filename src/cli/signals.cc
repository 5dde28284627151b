#include "cli/signals.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <mutex>
#include <thread>

#include "core/thread_annotations.h"

namespace aiprod::cli {
namespace {

Mutex g_mutex;
std::function<void()> g_on_stop GUARDED_BY(g_mutex);
bool g_stopping GUARDED_BY(g_mutex) = false;

sigset_t StopSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

// The default effect, as if the signal had never been blocked: the process
// ends with the signal's status.
[[noreturn]] void DieBy(int sig) {
  signal(sig, SIG_DFL);
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, sig);
  pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
  raise(sig);
  _exit(128 + sig);
}

void Watch(sigset_t set) {
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    std::function<void()> on_stop;
    {
      MutexLock lock(g_mutex);
      if (!g_on_stop || g_stopping) DieBy(sig);
      g_stopping = true;
      on_stop = g_on_stop;
    }
    on_stop();
  }
}

}  // namespace

void InstallSignalWatcher() {
  sigset_t set = StopSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread(Watch, set).detach();
}

StopSignals::StopSignals(std::function<void()> on_stop) {
  MutexLock lock(g_mutex);
  g_on_stop = std::move(on_stop);
  g_stopping = false;
}

StopSignals::~StopSignals() {
  MutexLock lock(g_mutex);
  g_on_stop = nullptr;
}

}  // namespace aiprod::cli
