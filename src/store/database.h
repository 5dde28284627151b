// The database, opened once: the Store and the repositories beside it, on one
// pool of connections. Nothing outside this folder sees the pool: callers
// take the repositories from here. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "store/api_keys.h"
#include "store/audit_log.h"
#include "store/brands.h"
#include "store/idempotency.h"
#include "store/job_queries.h"
#include "store/store.h"
#include "store/webhook_deliveries.h"

namespace aiprod {

// While it lives, the reads made on its thread share one read transaction
// (one state of the database; on SQLite, one read lock). See
// ConnectionPool::ReadScope in pool.h for the details and limits.
class ReadScope {
 public:
  virtual ~ReadScope() = default;
};

class Database {
 public:
  virtual ~Database() = default;

  virtual Store& store() = 0;
  virtual ApiKeyRepository& api_keys() = 0;
  virtual BrandRepository& brands() = 0;
  virtual IdempotencyRepository& idempotency() = 0;
  virtual JobQueries& job_queries() = 0;
  virtual WebhookDeliveries& webhook_deliveries() = 0;
  // A writer and verifier of the audit log keyed with `key` (audit_key;
  // empty: a plain chain).
  virtual std::unique_ptr<AuditLog> OpenAuditLog(std::string key) = 0;

  // Reads on this thread share one read transaction until the scope dies.
  // With `share_for` > 0 the next scope on the thread may take it over
  // (ConnectionPool::ReadScope's share_for); the thread then calls
  // EndSharedReads soon after, and before the database is closed.
  virtual std::unique_ptr<ReadScope> ShareReads(
      std::chrono::microseconds share_for = std::chrono::microseconds(0)) = 0;
};

// Ends the read transaction a sharing ReadScope left on this thread, if any.
void EndSharedReads();

// Opens the database named by `url` (as OpenStore does); not migrated.
Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url);

}  // namespace aiprod
