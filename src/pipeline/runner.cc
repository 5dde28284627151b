#include "pipeline/runner.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "core/files.h"
#include "core/ids.h"
#include "core/thread_annotations.h"
#include "pipeline/job_end_hook.h"

namespace aiprod {
namespace {

std::string HostName() {
  char buf[256] = {0};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

// Renews a lease every `period` until stopped; flags `lost` (and `cancel`)
// when the lease is gone so the stage stops writing.
class Heartbeat {
 public:
  Heartbeat(Store& store, const Clock& clock, Lease& lease, double period_s, double ttl_s,
            std::atomic<bool>& cancel, std::atomic<bool>& lost)
      : thread_([&, period_s, ttl_s] {
          MutexLock lock(mu_);
          auto period = std::chrono::milliseconds(static_cast<int64_t>(period_s * 1000));
          while (!cv_.wait_for(lock, period, [&]() REQUIRES(mu_) { return done_; })) {
            Lease copy = lease;
            lock.unlock();
            auto st = store.Renew(copy, clock.NowMs(), static_cast<int64_t>(ttl_s * 1000));
            lock.lock();
            if (st) {
              lease.expires_ms = copy.expires_ms;
              if (copy.cancel_requested) cancel = true;  // a user cancelled the job
            } else if (st.error().code == ErrorCode::kLeaseLost) {
              lost = true;
              cancel = true;
              return;
            }  // other errors: the database is busy or down; try again next beat
          }
        }) {}
  ~Heartbeat() {
    {
      MutexLock lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  Mutex mu_;
  std::condition_variable cv_;
  bool done_ GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: starts after the members it uses exist
};

// How many times the stage of `state` sent the job back to an earlier state.
Result<int> SentBack(Store& store, const std::string& job_id, JobState state) {
  AIPROD_ASSIGN(auto events, store.ListEvents(job_id));
  const std::string_view from = StateName(state);
  int n = 0;
  for (const auto& e : events) {
    n += EventTypeFromName(e.type) == EventType::kRetryScheduled && e.from_state == from &&
         e.to_state != from;
  }
  return n;
}

}  // namespace

StageOutcome StageOutcome::Done(Json checkpoint, JobPatch patch) {
  StageOutcome o;
  o.kind = Kind::kDone;
  o.checkpoint = std::move(checkpoint);
  o.patch = std::move(patch);
  return o;
}

StageOutcome StageOutcome::FromError(Error e) {
  StageOutcome o;
  o.kind = e.Retryable() ? Kind::kRetry : Kind::kFailed;
  o.error = std::move(e);
  return o;
}

std::string WorkerIdentity() {
  return HostName() + ":" + std::to_string(getpid()) + ":" + RandomHex(4);
}

bool OwnerIsDeadLocalProcess(const std::string& owner) {
  auto first = owner.find(':');
  auto second = owner.find(':', first + 1);
  if (first == std::string::npos || second == std::string::npos) return false;
  if (owner.substr(0, first) != HostName()) return false;
  pid_t pid = static_cast<pid_t>(std::atol(owner.substr(first + 1, second - first - 1).c_str()));
  if (pid <= 0) return false;
  return kill(pid, 0) != 0 && errno == ESRCH;
}

Runner::Runner(Store& store, const PipelineServices& services,
               std::vector<std::unique_ptr<Stage>> stages)
    : store_(store), services_(services), stages_(std::move(stages)), owner_(WorkerIdentity()) {}

const Stage* Runner::StageFor(JobState s) const {
  for (const auto& st : stages_) {
    if (st->State() == s) return st.get();
  }
  return nullptr;
}

JobState Runner::NextState(const Stage& s) const {
  for (size_t i = 0; i + 1 < stages_.size(); ++i) {
    if (stages_[i].get() == &s) return stages_[i + 1]->State();
  }
  return JobState::kDelivered;
}

ClaimRequest Runner::MakeClaim(std::optional<std::string> job_id) const {
  const QueueConfig& q = services_.config->queue;
  ClaimRequest req;
  req.owner = owner_;
  req.now_ms = services_.clock->NowMs();
  req.ttl_ms = static_cast<int64_t>(q.lease_ttl_s * 1000);
  req.job_id = std::move(job_id);
  req.aging_ms = static_cast<int64_t>(q.priority_aging_s * 1000);
  req.brand_weight = q.brand_fairness;
  req.prefetch = q.prefetch;
  return req;
}

int64_t Runner::Backoff(int attempt) const {
  const QueueConfig& q = services_.config->queue;
  double base = q.backoff_base_s * std::pow(2.0, std::max(0, attempt - 1));
  thread_local std::mt19937_64 rng(std::random_device{}());
  // Full jitter between 50% and 100% keeps retries of many jobs apart.
  double jittered = base * std::uniform_real_distribution<double>(0.5, 1.0)(rng);
  return static_cast<int64_t>(std::min(jittered, q.backoff_max_s) * 1000);
}

Result<JobState> Runner::RunJob(const std::string& job_id, ProgressListener* listener) {
  const Clock& clock = *services_.clock;
  AIPROD_ASSIGN(Job job, store_.GetJob(job_id));
  if (IsTerminal(job.state)) return job.state;
  if (!job.lease_owner.empty() && job.lease_expires_ms > clock.NowMs() &&
      OwnerIsDeadLocalProcess(job.lease_owner)) {
    services_.log.Warn("taking over the lease of a dead process",
                       {{"job_id", job_id}, {"owner", job.lease_owner}});
    AIPROD_TRY(store_.BreakLease(job_id, job.lease_epoch, clock.NowMs()));
  }
  ClaimRequest req = MakeClaim(job_id);
  AIPROD_ASSIGN(auto lease, store_.Claim(req));
  if (!lease) {
    AIPROD_ASSIGN(job, store_.GetJob(job_id));
    if (job.state == JobState::kAwaitingApproval && !job.run_after_ms) return job.state;
    if (!job.lease_owner.empty() && job.lease_expires_ms > clock.NowMs()) {
      return Fail(ErrorCode::kConflict, "job " + job_id + " is being run by " + job.lease_owner +
                                            " (lease until " +
                                            FormatTimestamp(job.lease_expires_ms) + ")");
    }
    if (job.run_after_ms && *job.run_after_ms > clock.NowMs()) {
      return Fail(ErrorCode::kConflict, "job " + job_id + " is waiting to retry until " +
                                            FormatTimestamp(*job.run_after_ms));
    }
    return job.state;
  }
  return RunLeased(*lease, listener);
}

Result<std::optional<JobState>> Runner::RunNext(ProgressListener* listener) {
  ClaimRequest req = MakeClaim(std::nullopt);
  AIPROD_ASSIGN(auto lease, store_.Claim(req));
  if (!lease) return std::optional<JobState>();
  AIPROD_ASSIGN(JobState s, RunLeased(*lease, listener));
  return std::optional<JobState>(s);
}

Result<JobState> Runner::RunLeased(Lease lease, ProgressListener* listener) {
  const Clock& clock = *services_.clock;
  const Config& config = *services_.config;
  std::atomic<bool> cancel{false}, lost{false};
  Heartbeat heartbeat(store_, clock, lease, config.queue.heartbeat_s, config.queue.lease_ttl_s,
                      cancel, lost);
  Logger log = services_.log.With({{"job_id", lease.job_id}});

  auto release = [&]() { (void)store_.Release(lease, clock.NowMs()); };
  for (;;) {
    AIPROD_ASSIGN(Job job, store_.GetJob(lease.job_id));
    if (lost) return Fail(ErrorCode::kLeaseLost, "lease on job " + job.id + " was lost");
    if (IsTerminal(job.state)) {
      release();
      return job.state;
    }
    // A takeover after a crash counts an attempt; past the limit the job is dead.
    if (job.attempts >= job.max_attempts) {
      JobTransition t{job.state,
                      JobState::kDead,
                      EventTypeString(EventType::kStateChanged),
                      {{"reason", "attempts exhausted"}}};
      t.patch.error = job.error.empty() ? "gave up after " + std::to_string(job.attempts) +
                                              " attempts (the worker kept dying)"
                                        : job.error;
      t.release_lease = true;
      BeforeJobEnd(services_.job_end, job, t);  // its webhook commits with it
      AIPROD_TRY(store_.Apply(job.id, &lease, t, clock.NowMs()));
      if (listener) listener->OnStateChange(job, JobState::kDead);
      AfterJobEnd(services_.job_end, job, t);
      return JobState::kDead;
    }
    if (job.cancel_requested) {
      JobTransition t{job.state,
                      JobState::kCancelled,
                      EventTypeString(EventType::kStateChanged),
                      {{"reason", "cancel_requested"}}};
      t.release_lease = true;
      AIPROD_TRY(store_.Apply(job.id, &lease, t, clock.NowMs()));
      if (listener) listener->OnStateChange(job, JobState::kCancelled);
      return JobState::kCancelled;
    }
    if (job.state == JobState::kQueued) {
      JobState first = stages_.front()->State();
      JobTransition t{JobState::kQueued, first};
      t.run_after_ms = clock.NowMs();  // stays claimable if this worker dies mid-stage
      AIPROD_TRY(store_.Apply(job.id, &lease, t, clock.NowMs()));
      if (listener) listener->OnStateChange(job, first);
      continue;
    }
    const Stage* stage = StageFor(job.state);
    if (!stage)
      return Fail(ErrorCode::kInternal,
                  "no stage runs in state " + std::string(StateName(job.state)));
    if (stop_) {
      release();
      return Fail(ErrorCode::kCancelled, "stopped before stage " + std::string(stage->Name()));
    }

    std::string work_dir = config.WorkDir() + "/" + job.id;
    AIPROD_TRY(MakeDirs(work_dir));
    AIPROD_ASSIGN(int sent_back, SentBack(store_, job.id, stage->State()));
    AIPROD_TRY(store_.AppendEvent(job.id, &lease, EventTypeString(EventType::kStageStarted),
                                  {{"stage", stage->Name()}, {"epoch", lease.epoch}},
                                  clock.NowMs()));
    if (listener) listener->OnStageStart(job, stage->Name());
    Logger stage_log = log.With({{"stage", stage->Name()}});
    stage_log.Info("stage started");
    auto started = std::chrono::steady_clock::now();

    // Forward a global stop request to the stage's cancel flag.
    std::atomic<bool>& stage_cancel = cancel;
    if (stop_) stage_cancel = true;
    StageContext ctx{job,
                     services_,
                     work_dir,
                     stage_cancel,
                     [&](double f) {
                       if (stop_) stage_cancel = true;
                       if (listener) listener->OnStageProgress(job, stage->Name(), f);
                     },
                     stage_log,
                     sent_back};
    StageOutcome out = stage->Run(ctx);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (lost) return Fail(ErrorCode::kLeaseLost, "lease on job " + job.id + " was lost");
    if (out.kind != StageOutcome::Kind::kDone && out.error.code == ErrorCode::kCancelled) {
      // A user's cancel: loop once more to record it; a shutdown: hand the job back.
      if (!stop_ && store_.GetJob(job.id).value_or(Job{}).cancel_requested) continue;
      release();
      return Fail(ErrorCode::kCancelled, "stopped during stage " + std::string(stage->Name()));
    }

    // What the stage reported (budget alerts), fenced by the lease like the outcome.
    for (const auto& e : out.events) {
      AIPROD_TRY(
          store_.AppendEvent(job.id, &lease, EventTypeString(e.type), e.data, clock.NowMs()));
    }
    JobTransition t;
    t.from = job.state;
    t.event_data = {{"stage", stage->Name()}, {"seconds", std::round(secs * 1000) / 1000}};
    switch (out.kind) {
      case StageOutcome::Kind::kDone:
        t.to = NextState(*stage);
        t.checkpoint_stage = std::string(stage->Name());
        t.checkpoint = std::move(out.checkpoint);
        t.patch = std::move(out.patch);
        t.run_after_ms = clock.NowMs();
        if (t.to == JobState::kDelivered) {
          t.run_after_ms.reset();
          t.release_lease = true;
        }
        break;
      case StageOutcome::Kind::kNeedsApproval:
        t.to = job.state;
        t.event_type = EventTypeString(EventType::kParkedForApproval);
        t.release_lease = true;
        break;
      case StageOutcome::Kind::kRetry: {
        bool last = job.attempts + 1 >= job.max_attempts;
        t.to = last ? JobState::kDead : out.retry_from.value_or(job.state);
        t.patch = std::move(out.patch);
        t.event_type =
            EventTypeString(last ? EventType::kStateChanged : EventType::kRetryScheduled);
        t.patch.error = out.error.ToString();
        t.count_attempt = true;
        t.release_lease = true;
        if (!last) t.run_after_ms = clock.NowMs() + Backoff(job.attempts + 1);
        t.event_data["error"] = out.error.ToString();
        t.event_data["code"] = CodeName(out.error.code);
        break;
      }
      case StageOutcome::Kind::kFailed:
      case StageOutcome::Kind::kQaFailed:
        t.to = out.kind == StageOutcome::Kind::kFailed ? JobState::kFailed : JobState::kQaFailed;
        t.patch = std::move(out.patch);
        t.patch.error = out.error.ToString();
        t.release_lease = true;
        t.event_data["error"] = out.error.ToString();
        t.event_data["code"] = CodeName(out.error.code);
        break;
    }
    BeforeJobEnd(services_.job_end, job, t);  // its webhook commits with it
    AIPROD_TRY(store_.Apply(job.id, &lease, t, clock.NowMs()));
    stage_log.Info("stage finished",
                   {{"outcome", t.event_type}, {"to", StateName(t.to)}, {"seconds", secs}});
    if (listener && t.to != job.state) listener->OnStateChange(job, t.to);
    if (t.release_lease) {
      AfterJobEnd(services_.job_end, job, t);
      return t.to;
    }
  }
}

}  // namespace aiprod
