// Waiting in tests for another thread or process to do something: poll a
// condition until it holds or a deadline passes, instead of sleeping a fixed
// time and hoping. Time that the code under test measures with a `Clock` is
// advanced with a FakeClock (core/clock.h), not waited for.
#pragma once

#include <chrono>
#include <thread>

namespace aiprod::testing {

// Polls `done` every `every` until it returns true (then true) or `timeout`
// passes (then false, after one last look). Generous timeouts cost nothing
// when the condition comes true early; use them.
template <class Pred>
bool WaitUntil(Pred done, std::chrono::milliseconds timeout = std::chrono::seconds(10),
               std::chrono::milliseconds every = std::chrono::milliseconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return done();
    std::this_thread::sleep_for(every);
  }
  return true;
}

}  // namespace aiprod::testing
