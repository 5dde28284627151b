// Webhook deliveries, persisted (store/webhook_deliveries.h): a delivery is
// recorded with the transition that ends a job (NewDelivery, then
// JobTransition::webhooks; Enqueue records one on its own), then attempted until a 2xx answer, a
// final refusal, or `max_attempts`, with exponential backoff between attempts. Every attempt is a
// row of `webhook_attempts` (migration 3).
//
// Delivery is at least once: an attempt is claimed for a while (timeout +
// 60 s) before the POST, so concurrent dispatchers do not send it twice, but
// a process dying mid-POST leaves it to be sent again. Receivers deduplicate
// with the X-Aiprod-Delivery header (also `delivery_id` in the body).
//
// Each POST carries the JSON body as stored, `X-Aiprod-Signature:
// t=<unix s>,v1=<HMAC-SHA256(secret, t "." body)>` signed when it is sent
// (webhook_signature.h: receivers refuse replays older than a tolerance),
// `X-Aiprod-Event`, `X-Aiprod-Delivery` and `X-Aiprod-Attempt`.
//
// Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "core/json.h"
#include "notify/webhook_sender.h"
#include "store/webhook_deliveries.h"

namespace aiprod {

struct WebhookOptions {
  EgressPolicy policy;
  std::string secret;  // signs bodies; empty: sent unsigned (development only)
  int max_attempts = 6;
  double backoff_base_s = 5;
  double backoff_max_s = 3600;
  double timeout_s = 10;
};
// From webhook.* ; the secret is webhook_secret, else (outside production
// only) signing_secret.
WebhookOptions WebhookOptionsFromConfig(const Config& config);

// Sends one POST (PostJson; tests may substitute).
using PostFunction = std::function<PostOutcome(const HttpPost&, const EgressPolicy&)>;

class WebhookOutbox {
 public:
  // `rows` outlives the outbox.
  WebhookOutbox(WebhookDeliveries& rows, WebhookOptions options, const Clock& clock,
                PostFunction post = PostJson);

  // A delivery of `payload` (plus "delivery_id" and "event") to `url`, to
  // record: with the job's final transition (JobTransition::webhooks), or
  // by Enqueue. A URL the policy refuses is recorded too: its first attempt
  // fails for good, saying why.
  NewWebhookDelivery NewDelivery(const std::string& job_id, const std::string& event,
                                 const std::string& url, Json payload) const;
  // Records NewDelivery(...), due now.
  Result<std::string> Enqueue(const std::string& job_id, const std::string& event,
                              const std::string& url, Json payload);
  // Attempts the delivery now if it is pending and not claimed by another
  // attempt in flight; returns it as it is afterwards.
  Result<WebhookDelivery> Attempt(const std::string& id);
  // Attempts the pending deliveries that are due; returns how many were tried.
  Result<int> DeliverDue(int limit = 100);

  Result<WebhookDelivery> Get(const std::string& id);
  // Newest first; `job_id` empty for all jobs.
  Result<std::vector<WebhookDelivery>> List(const std::string& job_id, int limit = 100);
  Result<std::vector<WebhookAttempt>> Attempts(const std::string& delivery_id);
  // When the next pending delivery is due, if any.
  Result<std::optional<int64_t>> NextDueMs();

  // The delay before attempt n+1 after n failed ones, before jitter.
  int64_t BackoffMs(int attempts_made) const;

 private:
  Result<bool> Claim(const std::string& id, bool only_if_due, WebhookDelivery& out);
  Status Send(const WebhookDelivery& d);  // POSTs a claimed delivery, records the attempt
  Status Record(const WebhookDelivery& d, const PostOutcome& o, int64_t started_ms);

  WebhookDeliveries& rows_;
  WebhookOptions options_;
  const Clock& clock_;
  PostFunction post_;
};

}  // namespace aiprod
