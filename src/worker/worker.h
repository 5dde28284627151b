// A worker: N threads, each with its own Runner, claiming and running jobs
// until stopped. Idle threads wait on the database's wake-up channel
// (LISTEN/NOTIFY on PostgreSQL) with polling as the fallback. The one worker
// loop of AIPROD: `aiprod worker` runs it, and so does `aiprod serve` on a
// thread of its own.
//
// Exceptions never leave a worker thread: a stage that throws loses its run
// (the lease expires and the job is retried), not the process.
//
// Stopping drains: every thread's current stage finishes or is cancelled at
// its next check, its lease is released (the job resumes elsewhere from the
// last checkpoint), and Run returns.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/thread_annotations.h"
#include "pipeline/runner.h"
#include "store/notifier.h"

namespace aiprod {

struct WorkerOptions {
  int concurrency = 1;
  bool exit_when_idle = false;  // return once no job is runnable (tests, `--once`)
  std::string database_url;     // for the wake-up channel
};

struct WorkerStats {
  std::atomic<int64_t> claimed{0};
  std::atomic<int64_t> delivered{0};
  std::atomic<int64_t> failed{0};  // failed, qa_failed, dead
  std::atomic<int64_t> errors{0};  // runs that stopped with an error (lease lost, db down)
  std::atomic<int> busy{0};        // threads running a job now
};

class Worker {
 public:
  using StageFactory = std::function<std::vector<std::unique_ptr<Stage>>()>;
  // Makes one thread's progress listener (serve: stage timings for /metrics).
  using ListenerFactory = std::function<std::unique_ptr<ProgressListener>()>;

  Worker(Store& store, const PipelineServices& services, StageFactory stages,
         WorkerOptions options);

  // Runs the threads; returns when stopped (or idle, with exit_when_idle).
  // `listeners` may be empty (no progress is reported).
  void Run(const ListenerFactory& listeners = {});
  // Thread-safe and async-signal-safe enough to call from a signal-watching
  // thread; before Run, Run returns at once.
  void RequestStop();
  bool stopping() const { return stop_.load(); }
  const WorkerStats& stats() const { return stats_; }

 private:
  void Loop(Runner& runner, JobWaiter& waiter, ProgressListener* listener);
  // One claim and run; what a throwing stage threw becomes kInternal.
  Result<std::optional<JobState>> RunOne(Runner& runner, ProgressListener* listener);

  Store& store_;
  const PipelineServices& services_;
  StageFactory stage_factory_;
  WorkerOptions options_;
  WorkerStats stats_;
  std::atomic<bool> stop_{false};
  Mutex mu_;
  std::vector<Runner*> runners_ GUARDED_BY(mu_);  // for RequestStop
  std::vector<JobWaiter*> waiters_ GUARDED_BY(mu_);
};

}  // namespace aiprod
