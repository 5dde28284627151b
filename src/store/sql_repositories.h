// The SQL repositories beside SqlStore, on its pool (internal to this folder
// and its tests; everyone else opens them through store/database.h).
#pragma once

#include <memory>
#include <string>

#include "store/api_keys.h"
#include "store/audit_log.h"
#include "store/brands.h"
#include "store/idempotency.h"
#include "store/job_queries.h"
#include "store/pool.h"
#include "store/webhook_deliveries.h"

namespace aiprod {

std::unique_ptr<ApiKeyRepository> NewSqlApiKeyRepository(std::shared_ptr<ConnectionPool> pool);
// `key`: audit_key; empty writes (and verifies) a plain chain.
std::unique_ptr<AuditLog> NewSqlAuditLog(std::shared_ptr<ConnectionPool> pool, std::string key);
std::unique_ptr<BrandRepository> NewSqlBrandRepository(std::shared_ptr<ConnectionPool> pool);
std::unique_ptr<IdempotencyRepository> NewSqlIdempotencyRepository(
    std::shared_ptr<ConnectionPool> pool);
std::unique_ptr<JobQueries> NewSqlJobQueries(std::shared_ptr<ConnectionPool> pool);
std::unique_ptr<WebhookDeliveries> NewSqlWebhookDeliveries(std::shared_ptr<ConnectionPool> pool);

// Inside a transaction on `c`: inserts `d`, pending and due at `now_ms`
// (deferred, like the transition's other writes).
Status InsertWebhookDelivery(SqlConnection& c, const NewWebhookDelivery& d, int64_t now_ms);

}  // namespace aiprod
