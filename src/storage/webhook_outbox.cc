#include "storage/webhook_outbox.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "core/ids.h"
#include "storage/webhook_signature.h"

namespace aiprod {
namespace {

constexpr const char* kColumns =
    "id, job_id, event, url, body, state, attempts, next_attempt_at, claimed_until, last_error, "
    "created_at, updated_at";

WebhookDelivery DeliveryFrom(const SqlRows& r, size_t i) {
  WebhookDelivery d;
  d.id = r.Text(i, "id");
  d.job_id = r.Text(i, "job_id");
  d.event = r.Text(i, "event");
  d.url = r.Text(i, "url");
  d.body = r.Text(i, "body");
  d.state = r.Text(i, "state");
  d.attempts = static_cast<int>(r.Int(i, "attempts"));
  if (!r.IsNull(i, "next_attempt_at")) d.next_attempt_ms = r.Int(i, "next_attempt_at");
  d.last_error = r.Text(i, "last_error");
  d.created_ms = r.Int(i, "created_at");
  d.updated_ms = r.Int(i, "updated_at");
  return d;
}

SqlValue Nullable(const std::optional<int64_t>& v) {
  return v ? SqlValue(*v) : SqlValue(std::monostate{});
}

}  // namespace

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

WebhookOutbox::WebhookOutbox(std::shared_ptr<ConnectionPool> pool, WebhookOptions options,
                             const Clock& clock, PostFunction post)
    : pool_(std::move(pool)), options_(std::move(options)), clock_(clock), post_(std::move(post)) {}

int64_t WebhookOutbox::BackoffMs(int attempts_made) const {
  double s = options_.backoff_base_s * std::pow(2.0, std::max(0, attempts_made - 1));
  return static_cast<int64_t>(std::min(s, options_.backoff_max_s) * 1000);
}

Result<std::string> WebhookOutbox::Enqueue(const std::string& job_id, const std::string& event,
                                           const std::string& url, Json payload) {
  const int64_t now = clock_.NowMs();
  std::string id = NewUuidV7(clock_);
  if (!payload.is_object()) payload = Json::object();
  payload["delivery_id"] = id;
  payload["event"] = event;
  std::string body = payload.dump(-1, ' ', false, Json::error_handler_t::replace);
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_TRY(
      c->Exec("INSERT INTO webhook_deliveries (id, job_id, event, url, body, state, attempts, "
              "next_attempt_at, claimed_until, last_error, created_at, updated_at) "
              "VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, NULL, NULL, ?, ?)",
              {id, job_id, event, url, body, now, now, now}));
  return id;
}

Result<bool> WebhookOutbox::Claim(const std::string& id, bool only_if_due, WebhookDelivery& out) {
  const int64_t now = clock_.NowMs();
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(*c));
  AIPROD_ASSIGN(auto rows,
                c->Query(std::string("SELECT ") + kColumns +
                             " FROM webhook_deliveries WHERE id = ?" + pool_->ForUpdate(),
                         {id}));
  if (rows.empty()) return Fail(ErrorCode::kNotFound, "no webhook delivery " + id);
  out = DeliveryFrom(rows, 0);
  if (out.state != "pending") return false;
  if (!rows.IsNull(0, "claimed_until") && rows.Int(0, "claimed_until") > now) return false;
  if (only_if_due && out.next_attempt_ms && *out.next_attempt_ms > now) return false;
  const auto lease = static_cast<int64_t>((options_.timeout_s + 60) * 1000);
  AIPROD_TRY(
      c->Exec("UPDATE webhook_deliveries SET claimed_until = ? WHERE id = ?", {now + lease, id}));
  AIPROD_TRY(tx.Commit());
  return true;
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
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(*c));
  AIPROD_TRY(c->Exec(
      "INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, http_status, "
      "outcome, error, address) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {d.id, int64_t{attempt}, started_ms, o.duration_ms,
       o.http_status ? SqlValue(int64_t{o.http_status}) : SqlValue(std::monostate{}),
       std::string(PostOutcomeName(o.kind)), o.error, o.address}));
  AIPROD_TRY(
      c->Exec("UPDATE webhook_deliveries SET attempts = ?, state = ?, next_attempt_at = ?, "
              "claimed_until = NULL, last_error = ?, updated_at = ? WHERE id = ?",
              {int64_t{attempt}, state, Nullable(next),
               o.error.empty() ? SqlValue(std::monostate{}) : SqlValue(o.error), now, d.id}));
  return tx.Commit();
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
  const int64_t now = clock_.NowMs();
  std::vector<std::string> due;
  {
    AIPROD_ASSIGN(auto c, pool_->Acquire());
    AIPROD_ASSIGN(auto rows,
                  c->Query("SELECT id FROM webhook_deliveries WHERE state = 'pending' AND "
                           "next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) "
                           "ORDER BY next_attempt_at LIMIT ?",
                           {now, now, int64_t{limit}}));
    for (size_t i = 0; i < rows.size(); ++i) due.push_back(rows.Text(i, "id"));
  }
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

Result<WebhookDelivery> WebhookOutbox::Get(const std::string& id) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(
      auto rows,
      c->Query(std::string("SELECT ") + kColumns + " FROM webhook_deliveries WHERE id = ?", {id}));
  if (rows.empty()) return Fail(ErrorCode::kNotFound, "no webhook delivery " + id);
  return DeliveryFrom(rows, 0);
}

Result<std::vector<WebhookDelivery>> WebhookOutbox::List(const std::string& job_id, int limit) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  std::string sql = std::string("SELECT ") + kColumns + " FROM webhook_deliveries";
  std::vector<SqlValue> params;
  if (!job_id.empty()) {
    sql += " WHERE job_id = ?";
    params.emplace_back(job_id);
  }
  sql += " ORDER BY created_at DESC, id DESC LIMIT ?";
  params.emplace_back(int64_t{limit});
  AIPROD_ASSIGN(auto rows, c->Query(sql, params));
  std::vector<WebhookDelivery> out;
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(DeliveryFrom(rows, i));
  return out;
}

Result<std::vector<WebhookAttempt>> WebhookOutbox::Attempts(const std::string& delivery_id) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto rows,
                c->Query("SELECT attempt, started_at, duration_ms, http_status, outcome, error, "
                         "address FROM webhook_attempts WHERE delivery_id = ? ORDER BY attempt",
                         {delivery_id}));
  std::vector<WebhookAttempt> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    WebhookAttempt a;
    a.attempt = static_cast<int>(rows.Int(i, "attempt"));
    a.started_ms = rows.Int(i, "started_at");
    a.duration_ms = rows.Int(i, "duration_ms");
    a.http_status = static_cast<int>(rows.Int(i, "http_status"));
    a.outcome = rows.Text(i, "outcome");
    a.error = rows.Text(i, "error");
    a.address = rows.Text(i, "address");
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::optional<int64_t>> WebhookOutbox::NextDueMs() {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto rows, c->Query("SELECT MIN(next_attempt_at) AS t FROM webhook_deliveries "
                                    "WHERE state = 'pending'"));
  if (rows.empty() || rows.IsNull(0, "t")) return std::optional<int64_t>();
  return std::optional<int64_t>(rows.Int(0, "t"));
}

}  // namespace aiprod
