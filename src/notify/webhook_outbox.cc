#include "notify/webhook_outbox.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "core/ids.h"
#include "notify/webhook_signature.h"

namespace aiprod {

WebhookOptions WebhookOptionsFromConfig(const Config& c) {
  WebhookOptions o;
  o.policy.allow_http = c.webhook.allow_http != 0;
  o.policy.allow_loopback = c.webhook.allow_loopback != 0;
  o.policy.allow_private = c.webhook.allow_private != 0;
  o.secret = c.webhook_secret;
  // Outside production only (where a start without webhook_secret is refused):
  // one secret for links and webhooks is convenient, but a receiver holding
  // it could sign artifact links. WebhookJobEndHook warns about it.
  if (o.secret.empty() && c.env != "production") o.secret = c.signing_secret;
  o.max_attempts = c.webhook.max_attempts;
  o.backoff_base_s = c.webhook.backoff_base_s;
  o.backoff_max_s = c.webhook.backoff_max_s;
  o.timeout_s = c.webhook.timeout_s;
  return o;
}

WebhookOutbox::WebhookOutbox(WebhookDeliveries& rows, WebhookOptions options, const Clock& clock,
                             PostFunction post)
    : rows_(rows), options_(std::move(options)), clock_(clock), post_(std::move(post)) {}

int64_t WebhookOutbox::BackoffMs(int attempts_made) const {
  double s = options_.backoff_base_s * std::pow(2.0, std::max(0, attempts_made - 1));
  return static_cast<int64_t>(std::min(s, options_.backoff_max_s) * 1000);
}

NewWebhookDelivery WebhookOutbox::NewDelivery(const std::string& job_id, const std::string& event,
                                              const std::string& url, Json payload) const {
  NewWebhookDelivery d{NewUuidV7(clock_), job_id, event, url, {}};
  if (!payload.is_object()) payload = Json::object();
  payload["delivery_id"] = d.id;
  payload["event"] = event;
  d.body = payload.dump(-1, ' ', false, Json::error_handler_t::replace);
  return d;
}

Result<std::string> WebhookOutbox::Enqueue(const std::string& job_id, const std::string& event,
                                           const std::string& url, Json payload) {
  NewWebhookDelivery d = NewDelivery(job_id, event, url, std::move(payload));
  AIPROD_TRY(rows_.Insert(d, clock_.NowMs()));
  return d.id;
}

Result<bool> WebhookOutbox::Claim(const std::string& id, bool only_if_due, WebhookDelivery& out) {
  const int64_t now = clock_.NowMs();
  const auto lease = static_cast<int64_t>((options_.timeout_s + 60) * 1000);
  return rows_.Claim(id, only_if_due, now, now + lease, out);
}

Status WebhookOutbox::Record(const WebhookDelivery& d, const PostOutcome& o, int64_t started_ms) {
  const int64_t now = clock_.NowMs();
  const int attempt = d.attempts + 1;
  std::string state = "pending";
  std::optional<int64_t> next;
  if (o.kind == PostOutcome::Kind::kDelivered) {
    state = "delivered";
  } else if (o.kind == PostOutcome::Kind::kGiveUp || attempt >= options_.max_attempts) {
    state = "failed";
  } else {
    // Jitter (80-100%) keeps retries of many deliveries apart.
    thread_local std::mt19937_64 rng(std::random_device{}());
    double f = std::uniform_real_distribution<double>(0.8, 1.0)(rng);
    next = now + static_cast<int64_t>(static_cast<double>(BackoffMs(attempt)) * f);
  }
  WebhookAttempt a{
      attempt, started_ms, o.duration_ms, o.http_status, std::string(PostOutcomeName(o.kind)),
      o.error, o.address};
  return rows_.RecordAttempt(d.id, a, state, next, now);
}

Result<WebhookDelivery> WebhookOutbox::Attempt(const std::string& id) {
  WebhookDelivery d;
  AIPROD_ASSIGN(bool claimed, Claim(id, false, d));
  if (!claimed) return d;
  AIPROD_TRY(Send(d));
  return Get(id);
}

Status WebhookOutbox::Send(const WebhookDelivery& d) {
  HttpPost post;
  post.url = d.url;
  post.body = d.body;
  post.timeout_s = options_.timeout_s;
  if (!options_.secret.empty()) {
    post.headers.emplace_back(std::string(kWebhookSignatureHeader),
                              WebhookSignature(options_.secret, d.body, clock_.NowMs() / 1000));
  }
  post.headers.emplace_back("X-Aiprod-Event", d.event);
  post.headers.emplace_back("X-Aiprod-Delivery", d.id);
  post.headers.emplace_back("X-Aiprod-Attempt", std::to_string(d.attempts + 1));
  const int64_t started = clock_.NowMs();
  PostOutcome o = post_(post, options_.policy);
  return Record(d, o, started);
}

Result<int> WebhookOutbox::DeliverDue(int limit) {
  AIPROD_ASSIGN(auto due, rows_.DueIds(clock_.NowMs(), limit));
  int tried = 0;
  for (const auto& id : due) {
    WebhookDelivery d;
    AIPROD_ASSIGN(bool claimed, Claim(id, true, d));
    if (!claimed) continue;
    AIPROD_TRY(Send(d));
    ++tried;
  }
  return tried;
}

Result<WebhookDelivery> WebhookOutbox::Get(const std::string& id) { return rows_.Get(id); }

Result<std::vector<WebhookDelivery>> WebhookOutbox::List(const std::string& job_id, int limit) {
  return rows_.List(job_id, limit);
}

Result<std::vector<WebhookAttempt>> WebhookOutbox::Attempts(const std::string& delivery_id) {
  return rows_.Attempts(delivery_id);
}

Result<std::optional<int64_t>> WebhookOutbox::NextDueMs() { return rows_.NextDueMs(); }

}  // namespace aiprod
