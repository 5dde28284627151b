#include "store/idempotency.h"

#include "store/sql_repositories.h"

namespace aiprod {
namespace {

class SqlIdempotencyRepository final : public IdempotencyRepository {
 public:
  explicit SqlIdempotencyRepository(std::shared_ptr<ConnectionPool> pool)
      : pool_(std::move(pool)) {}
  Result<IdempotencyRecord> Reserve(const std::string& principal, const std::string& key,
                                    const std::string& request_hash, const std::string& job_id,
                                    int64_t now_ms) override;
  Result<int64_t> Purge(int64_t before_ms) override;

 private:
  std::shared_ptr<ConnectionPool> pool_;
};

}  // namespace

std::unique_ptr<IdempotencyRepository> NewSqlIdempotencyRepository(
    std::shared_ptr<ConnectionPool> pool) {
  return std::make_unique<SqlIdempotencyRepository>(std::move(pool));
}

Result<IdempotencyRecord> SqlIdempotencyRepository::Reserve(const std::string& principal,
                                                            const std::string& key,
                                                            const std::string& request_hash,
                                                            const std::string& job_id,
                                                            int64_t now_ms) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(int64_t n, c->Exec("INSERT INTO idempotency_keys (principal, idem_key, "
                                   "request_hash, job_id, created_at) VALUES (?, ?, ?, ?, ?) "
                                   "ON CONFLICT (principal, idem_key) DO NOTHING",
                                   {principal, key, request_hash, job_id, now_ms}));
  if (n == 1) return IdempotencyRecord{request_hash, job_id, now_ms, true};
  AIPROD_ASSIGN(auto rows, c->Query("SELECT request_hash, job_id, created_at FROM "
                                    "idempotency_keys WHERE principal = ? AND idem_key = ?",
                                    {principal, key}));
  if (rows.empty()) return Fail(ErrorCode::kUnavailable, "idempotency key changed; retry");
  return IdempotencyRecord{rows.Text(0, "request_hash"), rows.Text(0, "job_id"),
                           rows.Int(0, "created_at"), false};
}

Result<int64_t> SqlIdempotencyRepository::Purge(int64_t before_ms) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  return c->Exec("DELETE FROM idempotency_keys WHERE created_at < ?", {before_ms});
}

}  // namespace aiprod
