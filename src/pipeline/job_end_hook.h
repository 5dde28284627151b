// Told when a job ends, that is moves to delivered, failed, qa_failed or dead
// (not cancelled): the runner calls OnJobEnding before it applies that
// transition, so that what the hook must record (webhook deliveries) is
// committed with it, and OnJobEnd after the commit; on its own thread.
// Implementations must not throw and should not block for long.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/thread_annotations.h"
#include "model/job.h"
#include "store/store.h"
#include "store/webhook_deliveries.h"

namespace aiprod {

class WebhookOutbox;

class JobEndHook {
 public:
  virtual ~JobEndHook() = default;
  // `job` as it was before `t`; adds to `t` what to write with it.
  virtual void OnJobEnding(const Job& job, JobTransition& t) = 0;
  // After `t` was committed.
  virtual void OnJobEnd(const Job& job, const JobTransition& t) = 0;
};

// The runner's calls around a transition: nothing unless `hook` is set and
// `t` ends the job.
void BeforeJobEnd(JobEndHook* hook, const Job& job, JobTransition& t);
void AfterJobEnd(JobEndHook* hook, const Job& job, const JobTransition& t);

// "job.delivered", "job.failed", "job.qa_failed", "job.dead".
std::string JobEndEvent(JobState s);

// The webhook payload for a job that ended: event, job_id, state,
// occurred_at, brand_id, error, the QA verdict and summary, and for a
// delivered job its artifacts (lang, aspect, name, sha256, size).
Json JobEndPayload(const Job& job, JobState final_state, const std::optional<Json>& delivered,
                   int64_t now_ms);

// Calls the brief's webhook_url: records the delivery with the job's final
// transition (WebhookOutbox::NewDelivery), makes the first attempt once it
// is committed, and, with `background_retries`, runs a thread
// that makes the due retries (also those left by earlier processes) until
// destroyed. Thread-safe.
class WebhookJobEndHook final : public JobEndHook {
 public:
  // `deliveries`: the store's (Database::webhook_deliveries).
  WebhookJobEndHook(Store& store, WebhookDeliveries& deliveries, const Config& config,
                    const Clock& clock, Logger log, bool background_retries);
  ~WebhookJobEndHook() override;
  void OnJobEnding(const Job& job, JobTransition& t) override;
  void OnJobEnd(const Job& job, const JobTransition& t) override;
  WebhookOutbox& outbox() { return *outbox_; }

 private:
  void RetryLoop();

  Store& store_;
  const Clock& clock_;
  Logger log_;
  std::unique_ptr<WebhookOutbox> outbox_;
  Mutex mu_;
  std::condition_variable cv_;
  bool stop_ GUARDED_BY(mu_) = false;
  bool poke_ GUARDED_BY(mu_) = false;  // a delivery was just recorded
  std::thread retries_;                // last: starts after the members it uses exist
};

}  // namespace aiprod
