// The runner: drives a claimed job through its stages (the state machine of
// docs/ARCHITECTURE.md), persisting each outcome, renewing the lease in the
// background, and stopping as soon as the lease is lost. Thread-compatible:
// one runner per worker thread.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "pipeline/stage.h"

namespace aiprod {

// Receives progress for display (CLI) or streaming (API). Called on the
// runner's thread.
class ProgressListener {
 public:
  virtual ~ProgressListener() = default;
  virtual void OnStageStart(const Job& job, std::string_view stage) = 0;
  virtual void OnStageProgress(const Job& job, std::string_view stage, double fraction) = 0;
  virtual void OnStateChange(const Job& job, JobState to) = 0;
};

// "host:pid:nonce": unique per process, and tells a later process on the same
// host whether the owner is still alive.
std::string WorkerIdentity();
// True if `owner` is a process on this host that no longer exists.
bool OwnerIsDeadLocalProcess(const std::string& owner);

class Runner {
 public:
  Runner(Store& store, const PipelineServices& services,
         std::vector<std::unique_ptr<Stage>> stages);

  // Claims `job_id` (taking over a lease whose owner died on this host) and
  // runs it until it parks, finishes or fails. Returns the state it stopped in.
  Result<JobState> RunJob(const std::string& job_id, ProgressListener* listener = nullptr);
  // Claims the most urgent runnable job and runs it; nullopt when none is due.
  Result<std::optional<JobState>> RunNext(ProgressListener* listener = nullptr);

  // Stops the current stage at its next check (signal handlers may call this).
  void RequestStop() { stop_.store(true); }
  bool stop_requested() const { return stop_.load(); }

  // Stage order, for `jobs show` and the docs.
  const std::vector<std::unique_ptr<Stage>>& stages() const { return stages_; }

 private:
  Result<JobState> RunLeased(Lease lease, ProgressListener* listener);
  const Stage* StageFor(JobState s) const;
  JobState NextState(const Stage& s) const;
  int64_t Backoff(int attempt) const;
  ClaimRequest MakeClaim(std::optional<std::string> job_id) const;

  Store& store_;
  const PipelineServices& services_;
  std::vector<std::unique_ptr<Stage>> stages_;
  std::string owner_;
  std::atomic<bool> stop_{false};
};

// The stages of the embedded default, in pipeline order.
std::vector<std::unique_ptr<Stage>> DefaultStages();

}  // namespace aiprod
