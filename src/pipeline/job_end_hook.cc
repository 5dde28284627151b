#include "pipeline/job_end_hook.h"

#include <algorithm>
#include <chrono>

#include "notify/webhook_outbox.h"

namespace aiprod {

namespace {

bool EndsJob(JobState s) {
  return s == JobState::kDelivered || s == JobState::kFailed || s == JobState::kQaFailed ||
         s == JobState::kDead;
}

}  // namespace

void BeforeJobEnd(JobEndHook* hook, const Job& job, JobTransition& t) {
  if (hook && EndsJob(t.to)) hook->OnJobEnding(job, t);
}

void AfterJobEnd(JobEndHook* hook, const Job& job, const JobTransition& t) {
  if (hook && EndsJob(t.to)) hook->OnJobEnd(job, t);
}

std::string JobEndEvent(JobState s) { return "job." + std::string(StateName(s)); }

Json JobEndPayload(const Job& job, JobState final_state, const std::optional<Json>& delivered,
                   int64_t now_ms) {
  Json p = {{"job_id", job.id},
            {"state", StateName(final_state)},
            {"occurred_at", FormatTimestamp(now_ms)}};
  if (!job.brief.brand_id.empty()) p["brand_id"] = job.brief.brand_id;
  if (!job.error.empty()) p["error"] = job.error;
  if (job.qa_report.is_object()) {
    Json qa = {{"passed", job.qa_report.value("passed", false)}};
    Json summaries = Json::array();
    for (const auto& r : job.qa_report.value("renditions", Json::array())) {
      summaries.push_back({{"lang", r.value("lang", "")},
                           {"aspect", r.value("aspect", "")},
                           {"passed", r.value("passed", false)},
                           {"summary", r.value("summary", "")}});
    }
    qa["renditions"] = summaries;
    p["qa"] = qa;
  }
  if (final_state == JobState::kDelivered && delivered) {
    Json artifacts = Json::array();
    for (const auto& a : delivered->value("artifacts", Json::array())) {
      std::string video = a.value("video", "");
      artifacts.push_back({{"lang", a.value("lang", "")},
                           {"aspect", a.value("aspect", "")},
                           {"name", video.substr(video.rfind('/') + 1)},
                           {"sha256", a.value("sha256", "")},
                           {"size", a.value("size", 0)}});
    }
    p["artifacts"] = artifacts;
  }
  return p;
}

WebhookJobEndHook::WebhookJobEndHook(Store& store, WebhookDeliveries& deliveries,
                                     const Config& config, const Clock& clock, Logger log,
                                     bool background_retries)
    : store_(store),
      clock_(clock),
      log_(std::move(log)),
      outbox_(
          std::make_unique<WebhookOutbox>(deliveries, WebhookOptionsFromConfig(config), clock)) {
  if (config.webhook_secret.empty()) {
    log_.Warn(config.env == "production"
                  ? "webhook_secret is not set: webhooks are sent unsigned"
                  : "webhook_secret is not set: webhooks are signed with signing_secret "
                    "(refused in production)");
  }
  if (background_retries) retries_ = std::thread([this] { RetryLoop(); });
}

WebhookJobEndHook::~WebhookJobEndHook() {
  {
    MutexLock lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (retries_.joinable()) retries_.join();
}

void WebhookJobEndHook::OnJobEnding(const Job& job, JobTransition& t) {
  if (job.brief.webhook_url.empty()) return;
  // The payload describes the job as `t` leaves it.
  Job ended = job;
  if (t.patch.error) ended.error = *t.patch.error;
  if (t.patch.qa_report) ended.qa_report = *t.patch.qa_report;
  std::optional<Json> delivered;
  if (t.checkpoint_stage == "deliver") {
    delivered = t.checkpoint;
  } else if (auto cp = store_.GetCheckpoint(job.id, "deliver"); cp && *cp) {
    delivered = **cp;
  }
  t.webhooks.push_back(outbox_->NewDelivery(job.id, JobEndEvent(t.to), job.brief.webhook_url,
                                            JobEndPayload(ended, t.to, delivered, clock_.NowMs())));
}

void WebhookJobEndHook::OnJobEnd(const Job& job, const JobTransition& t) {
  if (t.webhooks.empty()) return;
  for (const NewWebhookDelivery& w : t.webhooks) {
    auto d = outbox_->Attempt(w.id);
    if (!d) {
      log_.Error("webhook attempt failed", {{"job_id", job.id}, {"error", d.error().ToString()}});
    } else if (d->state != "delivered") {
      log_.Warn("webhook not delivered", {{"job_id", job.id},
                                          {"delivery_id", w.id},
                                          {"state", d->state},
                                          {"error", d->last_error}});
    }
  }
  {
    MutexLock lock(mu_);
    poke_ = true;  // a retry may now be due sooner than the loop thinks
  }
  cv_.notify_all();
}

void WebhookJobEndHook::RetryLoop() {
  MutexLock lock(mu_);
  while (!stop_) {
    lock.unlock();
    if (auto n = outbox_->DeliverDue(); !n) {
      log_.Warn("webhook retries failed", {{"error", n.error().ToString()}});
    }
    // Sleep until the next retry is due (at most 30 s, at least 100 ms).
    int64_t wait_ms = 30'000;
    if (auto next = outbox_->NextDueMs(); next && *next) {
      wait_ms = std::clamp<int64_t>(**next - clock_.NowMs(), 100, 30'000);
    }
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(wait_ms),
                 [&]() REQUIRES(mu_) { return stop_ || poke_; });
    poke_ = false;
  }
}

}  // namespace aiprod
