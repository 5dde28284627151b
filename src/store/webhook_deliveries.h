// The webhook outbox's rows: deliveries (`webhook_deliveries`) and their
// attempts (`webhook_attempts`, migration 3). A delivery is written either
// here (Insert) or with the job's final transition (JobTransition::webhooks),
// so that a crash after the job ends cannot lose it. Sending, backoff and
// signatures are notify/webhook_outbox.h's. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/store.h"

namespace aiprod {

struct WebhookDelivery {
  std::string id;  // UUIDv7
  std::string job_id, event, url, body;
  std::string state;  // "pending" | "delivered" | "failed"
  int attempts = 0;
  std::optional<int64_t> next_attempt_ms;  // pending only
  std::string last_error;
  int64_t created_ms = 0, updated_ms = 0;
};

struct WebhookAttempt {
  int attempt = 0;
  int64_t started_ms = 0, duration_ms = 0;
  int http_status = 0;  // 0: no answer
  std::string outcome;  // "delivered" | "retry" | "give_up"
  std::string error, address;
};

// Opened with the store (store/database.h).
class WebhookDeliveries {
 public:
  virtual ~WebhookDeliveries() = default;

  // Records a pending delivery, due at `now_ms`.
  virtual Status Insert(const NewWebhookDelivery& d, int64_t now_ms) = 0;
  // Claims delivery `id` until `claimed_until_ms` if it is pending, not
  // claimed by an attempt in flight, and (with `only_if_due`) due. Returns
  // whether it was claimed; `out` is the delivery as it was read.
  virtual Result<bool> Claim(const std::string& id, bool only_if_due, int64_t now_ms,
                             int64_t claimed_until_ms, WebhookDelivery& out) = 0;
  // Records attempt `a` and the delivery's new state (and when the next
  // attempt is due, if pending), and ends its claim; in one transaction.
  virtual Status RecordAttempt(const std::string& delivery_id, const WebhookAttempt& a,
                               const std::string& state, std::optional<int64_t> next_attempt_ms,
                               int64_t now_ms) = 0;
  // The pending, unclaimed deliveries due at `now_ms`, soonest first.
  virtual Result<std::vector<std::string>> DueIds(int64_t now_ms, int limit) = 0;
  virtual Result<WebhookDelivery> Get(const std::string& id) = 0;
  // Newest first; `job_id` empty for all jobs.
  virtual Result<std::vector<WebhookDelivery>> List(const std::string& job_id, int limit) = 0;
  virtual Result<std::vector<WebhookAttempt>> Attempts(const std::string& delivery_id) = 0;
  // When the next pending delivery is due, if any.
  virtual Result<std::optional<int64_t>> NextDueMs() = 0;
};

}  // namespace aiprod
