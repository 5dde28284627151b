#include "store/migrations.h"

#include <string>

namespace aiprod {
namespace {

// Times are integer milliseconds since the Unix epoch; JSON is text (SQLite)
// or JSONB (PostgreSQL).
constexpr std::string_view kSqliteV1 = R"sql(
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  content TEXT NOT NULL,
  preset TEXT NOT NULL,
  state TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 1,
  lang TEXT NOT NULL DEFAULT 'en',
  brand_id TEXT,
  target_langs TEXT NOT NULL DEFAULT '[]',
  aspect_ratios TEXT NOT NULL DEFAULT '[]',
  duration_hint_s REAL,
  review INTEGER NOT NULL DEFAULT 0,
  draft INTEGER NOT NULL DEFAULT 0,
  webhook_url TEXT,
  production_manifest TEXT,
  consistency_markers TEXT,
  cost_estimate TEXT,
  render_result TEXT,
  qa_report TEXT,
  approved INTEGER NOT NULL DEFAULT 0,
  approval_timestamp INTEGER,
  edits_history TEXT NOT NULL DEFAULT '[]',
  options TEXT NOT NULL DEFAULT '{}',
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 3,
  run_after INTEGER,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  lease_epoch INTEGER NOT NULL DEFAULT 0,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX idx_jobs_state ON jobs(state);
CREATE INDEX idx_jobs_created_at ON jobs(created_at);
CREATE INDEX idx_jobs_brand_id ON jobs(brand_id);
CREATE INDEX idx_jobs_runnable ON jobs(priority DESC, run_after) WHERE run_after IS NOT NULL;
CREATE INDEX idx_jobs_waiting ON jobs(run_after) WHERE run_after IS NOT NULL;
CREATE INDEX idx_jobs_leased ON jobs(brand_id) WHERE lease_owner IS NOT NULL;

CREATE TABLE job_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  event_type TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT,
  event_data TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX idx_job_events_job_id ON job_events(job_id, id);
CREATE INDEX idx_job_events_created_at ON job_events(created_at);

CREATE TABLE checkpoints (
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  stage TEXT NOT NULL,
  output TEXT NOT NULL,
  lease_epoch INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (job_id, stage)
);
)sql";

// The same schema for PostgreSQL: BIGINT times, JSONB documents.
constexpr std::string_view kPostgresV1 = R"sql(
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  content TEXT NOT NULL,
  preset TEXT NOT NULL,
  state TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 1,
  lang TEXT NOT NULL DEFAULT 'en',
  brand_id TEXT,
  target_langs JSONB NOT NULL DEFAULT '[]',
  aspect_ratios JSONB NOT NULL DEFAULT '[]',
  duration_hint_s DOUBLE PRECISION,
  review INTEGER NOT NULL DEFAULT 0,
  draft INTEGER NOT NULL DEFAULT 0,
  webhook_url TEXT,
  production_manifest JSONB,
  consistency_markers JSONB,
  cost_estimate JSONB,
  render_result JSONB,
  qa_report JSONB,
  approved INTEGER NOT NULL DEFAULT 0,
  approval_timestamp BIGINT,
  edits_history JSONB NOT NULL DEFAULT '[]',
  options JSONB NOT NULL DEFAULT '{}',
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 3,
  run_after BIGINT,
  lease_owner TEXT,
  lease_expires_at BIGINT,
  lease_epoch BIGINT NOT NULL DEFAULT 0,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX idx_jobs_state ON jobs(state);
CREATE INDEX idx_jobs_created_at ON jobs(created_at);
CREATE INDEX idx_jobs_brand_id ON jobs(brand_id);
CREATE INDEX idx_jobs_runnable ON jobs(priority DESC, run_after) WHERE run_after IS NOT NULL;
CREATE INDEX idx_jobs_waiting ON jobs(run_after) WHERE run_after IS NOT NULL;
CREATE INDEX idx_jobs_leased ON jobs(brand_id) WHERE lease_owner IS NOT NULL;

CREATE TABLE job_events (
  id BIGSERIAL PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  event_type TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT,
  event_data JSONB,
  created_at BIGINT NOT NULL
);
CREATE INDEX idx_job_events_job_id ON job_events(job_id, id);
CREATE INDEX idx_job_events_created_at ON job_events(created_at);

CREATE TABLE checkpoints (
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  stage TEXT NOT NULL,
  output JSONB NOT NULL,
  lease_epoch BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (job_id, stage)
);
)sql";

// The HTTP service: API keys (hash only), the hash-chained audit log (append
// only: triggers refuse UPDATE and DELETE), idempotency keys of job creation,
// brand kits, and an index for the per-brand active job limit.
constexpr std::string_view kSqliteV2 = R"sql(
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  key_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL,
  brands TEXT NOT NULL DEFAULT '[]',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER,
  revoked_by TEXT
);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  principal TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL,
  request_id TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX idx_audit_log_at ON audit_log(at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE idempotency_keys (
  principal TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  job_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (principal, idem_key)
);
CREATE INDEX idx_idempotency_keys_created_at ON idempotency_keys(created_at);

CREATE TABLE brands (
  id TEXT PRIMARY KEY,
  kit TEXT NOT NULL,
  revision INTEGER NOT NULL DEFAULT 1,
  updated_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE INDEX idx_jobs_brand_state ON jobs(brand_id, state);
)sql";

// Notification (src/notify): webhook deliveries and every attempt made.
constexpr std::string_view kSqliteV3 = R"sql(
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL,
  event TEXT NOT NULL,
  url TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  claimed_until INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX idx_webhook_deliveries_due ON webhook_deliveries(state, next_attempt_at);
CREATE INDEX idx_webhook_deliveries_job ON webhook_deliveries(job_id, created_at);

CREATE TABLE webhook_attempts (
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  http_status INTEGER,
  outcome TEXT NOT NULL,
  error TEXT,
  address TEXT,
  PRIMARY KEY (delivery_id, attempt)
);
)sql";

// PostgreSQL dialect of versions 2 and 3 (same tables; BIGINT times, and the
// audit log's append-only rule as a trigger function).
constexpr std::string_view kPostgresV2 = R"sql(
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  key_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL,
  brands TEXT NOT NULL DEFAULT '[]',
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT,
  revoked_by TEXT
);

CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  principal TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL,
  request_id TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX idx_audit_log_at ON audit_log(at);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE idempotency_keys (
  principal TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  job_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (principal, idem_key)
);
CREATE INDEX idx_idempotency_keys_created_at ON idempotency_keys(created_at);

CREATE TABLE brands (
  id TEXT PRIMARY KEY,
  kit TEXT NOT NULL,
  revision INTEGER NOT NULL DEFAULT 1,
  updated_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE INDEX idx_jobs_brand_state ON jobs(brand_id, state);
)sql";

constexpr std::string_view kPostgresV3 = R"sql(
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL,
  event TEXT NOT NULL,
  url TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT,
  claimed_until BIGINT,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX idx_webhook_deliveries_due ON webhook_deliveries(state, next_attempt_at);
CREATE INDEX idx_webhook_deliveries_job ON webhook_deliveries(job_id, created_at);

CREATE TABLE webhook_attempts (
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  duration_ms BIGINT NOT NULL,
  http_status INTEGER,
  outcome TEXT NOT NULL,
  error TEXT,
  address TEXT,
  PRIMARY KEY (delivery_id, attempt)
);
)sql";

// Version 4: running jobs per brand counted by each store (store/brand_load.h)
// instead of through an index on jobs' lease columns, so that a claim can
// update its job in place. PostgreSQL also leaves room in jobs' pages for
// those in-place updates (pages written from now on).
constexpr std::string_view kSqliteV4 = R"sql(
CREATE TABLE brand_load (
  store_id TEXT NOT NULL,
  brand_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  n INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (store_id, brand_id, kind)
) WITHOUT ROWID;
DROP INDEX idx_jobs_leased;
)sql";
constexpr std::string_view kPostgresV4 = R"sql(
CREATE TABLE brand_load (
  store_id TEXT NOT NULL,
  brand_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  n BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (store_id, brand_id, kind)
);
DROP INDEX idx_jobs_leased;
ALTER TABLE jobs SET (fillfactor = 50);
)sql";

// Version 5: lighter event rows and job updates. Nothing read
// job_events by created_at, and idx_jobs_brand_state already serves what
// idx_jobs_brand_id did. Events lose their foreign key to jobs: jobs are
// never deleted, every event is written in the transaction that reads or
// writes its job, and the key's per-row check (a trigger locking the job
// row) cost a tenth of the queue's throughput. SQLite cannot drop a
// constraint, so the table is rebuilt (ids kept).
constexpr std::string_view kSqliteV5 = R"sql(
CREATE TABLE job_events_v5 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT,
  event_data TEXT,
  created_at INTEGER NOT NULL
);
INSERT INTO job_events_v5 (id, job_id, event_type, from_state, to_state, event_data, created_at)
  SELECT id, job_id, event_type, from_state, to_state, event_data, created_at FROM job_events;
DROP TABLE job_events;
ALTER TABLE job_events_v5 RENAME TO job_events;
CREATE INDEX idx_job_events_job_id ON job_events(job_id, id);
DROP INDEX idx_jobs_brand_id;
)sql";
constexpr std::string_view kPostgresV5 = R"sql(
ALTER TABLE job_events DROP CONSTRAINT job_events_job_id_fkey;
DROP INDEX idx_job_events_created_at;
DROP INDEX idx_jobs_brand_id;
)sql";

// Version 6: audit rows record the brand their target belongs to, so that a
// brand-scoped admin's GET /v1/audit lists only its brands' rows.
constexpr std::string_view kSqliteV6 = R"sql(
ALTER TABLE audit_log ADD COLUMN brand TEXT NOT NULL DEFAULT '';
CREATE INDEX idx_audit_log_brand ON audit_log(brand, seq);
)sql";
constexpr std::string_view kPostgresV6 = kSqliteV6;

// Version 7: the manifest revision an approval released (the only one the
// render stage renders), set in the approval's own UPDATE.
constexpr std::string_view kSqliteV7 = R"sql(
ALTER TABLE jobs ADD COLUMN approved_revision INTEGER;
)sql";
constexpr std::string_view kPostgresV7 = R"sql(
ALTER TABLE jobs ADD COLUMN approved_revision BIGINT;
)sql";

const std::vector<Migration> kSqlite = {
    {1, "jobs, events, checkpoints", kSqliteV1},
    {2, "api keys, audit log, idempotency keys, brands", kSqliteV2},
    {3, "webhook deliveries and attempts", kSqliteV3},
    {4, "running jobs per brand apart from jobs", kSqliteV4},
    {5, "lighter event rows and job updates", kSqliteV5},
    {6, "brand of audit rows", kSqliteV6},
    {7, "approved manifest revision", kSqliteV7},
};
const std::vector<Migration> kPostgres = {
    {1, "jobs, events, checkpoints", kPostgresV1},
    {2, "api keys, audit log, idempotency keys, brands", kPostgresV2},
    {3, "webhook deliveries and attempts", kPostgresV3},
    {4, "running jobs per brand apart from jobs", kPostgresV4},
    {5, "lighter event rows and job updates", kPostgresV5},
    {6, "brand of audit rows", kPostgresV6},
    {7, "approved manifest revision", kPostgresV7},
};

}  // namespace

const std::vector<Migration>& MigrationsFor(SqlDialect dialect) {
  return dialect == SqlDialect::kSqlite ? kSqlite : kPostgres;
}

Result<int> CurrentSchemaVersion(SqlConnection& conn) {
  constexpr std::string_view kCreate =
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
      "NULL, applied_at BIGINT NOT NULL)";
  // Two PostgreSQL processes creating it at once: one loses with a unique
  // violation on the catalog, and then the table exists.
  if (auto st = conn.Exec(kCreate); !st) {
    if (st.error().code != ErrorCode::kConflict) return Unexpected(st.error());
    AIPROD_TRY(conn.Exec(kCreate));
  }
  AIPROD_ASSIGN(auto rows, conn.Query("SELECT COALESCE(MAX(version), 0) AS v FROM "
                                      "schema_migrations"));
  return static_cast<int>(rows.Int(0, "v"));
}

Status ApplyMigrations(SqlConnection& conn, SqlDialect dialect, int64_t now_ms, int up_to) {
  const auto& list = MigrationsFor(dialect);
  int latest = list.empty() ? 0 : list.back().version;
  AIPROD_ASSIGN(int current, CurrentSchemaVersion(conn));
  if (current > latest) {
    return Fail(ErrorCode::kConflict, "database schema version " + std::to_string(current) +
                                          " is newer than this build (" + std::to_string(latest) +
                                          "); upgrade aiprod");
  }
  for (const auto& m : list) {
    if (m.version <= current || m.version > up_to) continue;
    AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(conn));
    // PostgreSQL: one migrator at a time across processes (SQLite's write
    // transaction already serializes).
    if (dialect == SqlDialect::kPostgres) {
      AIPROD_TRY(conn.Query("SELECT pg_advisory_xact_lock(727100) AS locked"));
    }
    // Re-check inside the write transaction: another process may have won.
    AIPROD_ASSIGN(auto rows, conn.Query("SELECT 1 AS x FROM schema_migrations WHERE version = ?",
                                        {int64_t{m.version}}));
    if (!rows.empty()) continue;
    auto st = conn.ExecScript(m.sql);
    if (!st) {
      return Fail(st.error().code, "migration " + std::to_string(m.version) + " (" +
                                       std::string(m.name) + ") failed: " + st.error().message);
    }
    AIPROD_TRY(
        conn.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                  {int64_t{m.version}, std::string(m.name), now_ms}));
    AIPROD_TRY(tx.Commit());
  }
  return {};
}

}  // namespace aiprod
