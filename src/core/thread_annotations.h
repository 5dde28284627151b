// Lock rules the compiler checks: Clang's thread-safety analysis.
//
// A member written `T x_ GUARDED_BY(mu_);` may only be read or written while
// `mu_` is held; a function declared `REQUIRES(mu_)` may only be called with
// it held. Clang checks both with -Wthread-safety (clang-tidy runs it in CI,
// see .clang-tidy); under GCC the macros expand to nothing.
//
// libstdc++'s std::mutex carries no annotations, so guarded state uses
// `Mutex` and `MutexLock` (a std::unique_lock that the analysis understands).
// A MutexLock converts to the std::unique_lock that std::condition_variable
// waits on. A wait predicate is a lambda, analysed on its own: annotate it,
// `cv.wait(lock, [&]() REQUIRES(mu_) { return done_; });`.
#pragma once

#include <mutex>

#if defined(__clang__)
#define AIPROD_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define AIPROD_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(name) AIPROD_THREAD_ANNOTATION(capability(name))
#define SCOPED_CAPABILITY AIPROD_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(mu) AIPROD_THREAD_ANNOTATION(guarded_by(mu))
#define PT_GUARDED_BY(mu) AIPROD_THREAD_ANNOTATION(pt_guarded_by(mu))
#define REQUIRES(...) AIPROD_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) AIPROD_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define ACQUIRE(...) AIPROD_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) AIPROD_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) AIPROD_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#define NO_THREAD_SAFETY_ANALYSIS AIPROD_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace aiprod {

// std::mutex with annotations.
class CAPABILITY("mutex") Mutex {
 public:
  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }
  bool try_lock() TRY_ACQUIRE(true) { return mu_.try_lock(); }

 private:
  friend class MutexLock;
  std::mutex mu_;
};

// Holds a Mutex for its scope, like std::unique_lock: `unlock()` and `lock()`
// release and take it again inside the scope.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : lock_(mu.mu_) {}
  ~MutexLock() RELEASE() = default;
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void lock() ACQUIRE() { lock_.lock(); }
  void unlock() RELEASE() { lock_.unlock(); }

  // For std::condition_variable::wait, which unlocks and relocks inside.
  operator std::unique_lock<std::mutex>&() { return lock_; }  // NOLINT(google-explicit-constructor)

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace aiprod
