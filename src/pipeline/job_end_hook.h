// Told when a job ends: the runner calls OnJobEnd after committing the move
// to delivered, failed, qa_failed or dead (not cancelled), on its own thread.
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
#include "store/pool.h"
#include "store/store.h"

namespace aiprod {

class WebhookOutbox;

class JobEndHook {
 public:
  virtual ~JobEndHook() = default;
  virtual void OnJobEnd(const Job& job, JobState final_state) = 0;
};

// "job.delivered", "job.failed", "job.qa_failed", "job.dead".
std::string JobEndEvent(JobState s);

// The webhook payload for a job that ended: event, job_id, state,
// occurred_at, brand_id, error, the QA verdict and summary, and for a
// delivered job its artifacts (lang, aspect, name, sha256, size).
Json JobEndPayload(const Job& job, JobState final_state, const std::optional<Json>& delivered,
                   int64_t now_ms);

// Calls the brief's webhook_url: records the delivery (WebhookOutbox), makes
// the first attempt at once, and, with `background_retries`, runs a thread
// that makes the due retries (also those left by earlier processes) until
// destroyed. Thread-safe.
class WebhookJobEndHook final : public JobEndHook {
 public:
  WebhookJobEndHook(Store& store, std::shared_ptr<ConnectionPool> pool, const Config& config,
                    const Clock& clock, Logger log, bool background_retries);
  ~WebhookJobEndHook() override;
  void OnJobEnd(const Job& job, JobState final_state) override;
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

// The pool behind `store` when it is SQL-backed, else a new pool for `url`.
Result<std::shared_ptr<ConnectionPool>> PoolFor(Store& store, const std::string& url);

}  // namespace aiprod
