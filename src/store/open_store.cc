#include "store/database.h"
#include "store/sql_repositories.h"
#include "store/sql_store.h"

namespace aiprod {
namespace {

class SqlReadScope final : public ReadScope {
 public:
  SqlReadScope(ConnectionPool& pool, std::chrono::microseconds share_for)
      : scope_(pool, share_for) {}

 private:
  ConnectionPool::ReadScope scope_;
};

class SqlDatabase final : public Database {
 public:
  explicit SqlDatabase(const std::shared_ptr<ConnectionPool>& pool)
      : pool_(pool),
        store_(pool),
        keys_(NewSqlApiKeyRepository(pool)),
        brands_(NewSqlBrandRepository(pool)),
        idempotency_(NewSqlIdempotencyRepository(pool)),
        queries_(NewSqlJobQueries(pool)),
        webhooks_(NewSqlWebhookDeliveries(pool)) {}

  Store& store() override { return store_; }
  ApiKeyRepository& api_keys() override { return *keys_; }
  BrandRepository& brands() override { return *brands_; }
  IdempotencyRepository& idempotency() override { return *idempotency_; }
  JobQueries& job_queries() override { return *queries_; }
  WebhookDeliveries& webhook_deliveries() override { return *webhooks_; }
  std::unique_ptr<AuditLog> OpenAuditLog(std::string key) override {
    return NewSqlAuditLog(pool_, std::move(key));
  }
  std::unique_ptr<ReadScope> ShareReads(std::chrono::microseconds share_for) override {
    return std::make_unique<SqlReadScope>(*pool_, share_for);
  }

 private:
  std::shared_ptr<ConnectionPool> pool_;
  SqlStore store_;
  std::unique_ptr<ApiKeyRepository> keys_;
  std::unique_ptr<BrandRepository> brands_;
  std::unique_ptr<IdempotencyRepository> idempotency_;
  std::unique_ptr<JobQueries> queries_;
  std::unique_ptr<WebhookDeliveries> webhooks_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  AIPROD_ASSIGN(auto pool, OpenPool(url));
  return std::unique_ptr<Store>(std::make_unique<SqlStore>(std::move(pool)));
}

void EndSharedReads() { ConnectionPool::EndSharedRead(); }

Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url) {
  AIPROD_ASSIGN(auto pool, OpenPool(url));
  return std::unique_ptr<Database>(std::make_unique<SqlDatabase>(std::move(pool)));
}

}  // namespace aiprod
