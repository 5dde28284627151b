#include "store/webhook_deliveries.h"

#include "store/sql_repositories.h"

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

SqlStatement InsertStatement(const NewWebhookDelivery& d, int64_t now_ms) {
  return {
      "INSERT INTO webhook_deliveries (id, job_id, event, url, body, state, attempts, "
      "next_attempt_at, claimed_until, last_error, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, NULL, NULL, ?, ?)",
      {d.id, d.job_id, d.event, d.url, d.body, now_ms, now_ms, now_ms}};
}

class SqlWebhookDeliveries final : public WebhookDeliveries {
 public:
  explicit SqlWebhookDeliveries(std::shared_ptr<ConnectionPool> pool) : pool_(std::move(pool)) {}

  Status Insert(const NewWebhookDelivery& d, int64_t now_ms) override {
    AIPROD_ASSIGN(auto c, pool_->Acquire());
    SqlStatement s = InsertStatement(d, now_ms);
    AIPROD_TRY(c->Exec(s.sql, s.params));
    return {};
  }

  Result<bool> Claim(const std::string& id, bool only_if_due, int64_t now, int64_t claimed_until_ms,
                     WebhookDelivery& out) override {
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
    AIPROD_TRY(c->Exec("UPDATE webhook_deliveries SET claimed_until = ? WHERE id = ?",
                       {claimed_until_ms, id}));
    AIPROD_TRY(tx.Commit());
    return true;
  }

  Status RecordAttempt(const std::string& delivery_id, const WebhookAttempt& a,
                       const std::string& state, std::optional<int64_t> next,
                       int64_t now) override {
    AIPROD_ASSIGN(auto c, pool_->Acquire());
    AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(*c));
    AIPROD_TRY(
        c->Exec("INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, "
                "http_status, outcome, error, address) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                {delivery_id, int64_t{a.attempt}, a.started_ms, a.duration_ms,
                 a.http_status ? SqlValue(int64_t{a.http_status}) : SqlValue(std::monostate{}),
                 a.outcome, a.error, a.address}));
    AIPROD_TRY(c->Exec(
        "UPDATE webhook_deliveries SET attempts = ?, state = ?, next_attempt_at = ?, "
        "claimed_until = NULL, last_error = ?, updated_at = ? WHERE id = ?",
        {int64_t{a.attempt}, state, Nullable(next),
         a.error.empty() ? SqlValue(std::monostate{}) : SqlValue(a.error), now, delivery_id}));
    return tx.Commit();
  }

  Result<std::vector<std::string>> DueIds(int64_t now, int limit) override {
    AIPROD_ASSIGN(auto c, pool_->Acquire());
    AIPROD_ASSIGN(auto rows,
                  c->Query("SELECT id FROM webhook_deliveries WHERE state = 'pending' AND "
                           "next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) "
                           "ORDER BY next_attempt_at LIMIT ?",
                           {now, now, int64_t{limit}}));
    std::vector<std::string> due;
    for (size_t i = 0; i < rows.size(); ++i) due.push_back(rows.Text(i, "id"));
    return due;
  }

  Result<WebhookDelivery> Get(const std::string& id) override {
    AIPROD_ASSIGN(auto c, pool_->Acquire());
    AIPROD_ASSIGN(auto rows, c->Query(std::string("SELECT ") + kColumns +
                                          " FROM webhook_deliveries WHERE id = ?",
                                      {id}));
    if (rows.empty()) return Fail(ErrorCode::kNotFound, "no webhook delivery " + id);
    return DeliveryFrom(rows, 0);
  }

  Result<std::vector<WebhookDelivery>> List(const std::string& job_id, int limit) override {
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

  Result<std::vector<WebhookAttempt>> Attempts(const std::string& delivery_id) override {
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

  Result<std::optional<int64_t>> NextDueMs() override {
    AIPROD_ASSIGN(auto c, pool_->Acquire());
    AIPROD_ASSIGN(auto rows, c->Query("SELECT MIN(next_attempt_at) AS t FROM webhook_deliveries "
                                      "WHERE state = 'pending'"));
    if (rows.empty() || rows.IsNull(0, "t")) return std::optional<int64_t>();
    return std::optional<int64_t>(rows.Int(0, "t"));
  }

 private:
  std::shared_ptr<ConnectionPool> pool_;
};

}  // namespace

std::unique_ptr<WebhookDeliveries> NewSqlWebhookDeliveries(std::shared_ptr<ConnectionPool> pool) {
  return std::make_unique<SqlWebhookDeliveries>(std::move(pool));
}

Status InsertWebhookDelivery(SqlConnection& c, const NewWebhookDelivery& d, int64_t now_ms) {
  return c.Defer(InsertStatement(d, now_ms));
}

}  // namespace aiprod
