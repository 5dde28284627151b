#include "store/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <mutex>

namespace aiprod {
namespace {

// What this process's connections to one database file share.
SqliteConnection::FileState& FileStateFor(const std::string& path) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<SqliteConnection::FileState>>
      files;  // never shrinks: one per file
  std::error_code ec;
  std::string key = std::filesystem::weakly_canonical(path, ec).string();
  if (ec) key = path;
  std::lock_guard lock(mu);
  auto& f = files[key];
  if (!f) f = std::make_unique<SqliteConnection::FileState>();
  return *f;
}

// SQLite calls this after each commit, once it is visible to new readers
// (so LocalCommits() never runs ahead of what a reader can see). A WAL hook
// replaces SQLite's auto-checkpoint hook, so this does what that one did:
// a passive checkpoint once the WAL holds 1000 pages.
int OnWalCommit(void* file, sqlite3* db, const char* name, int wal_pages) {
  static_cast<SqliteConnection::FileState*>(file)->commits.fetch_add(1, std::memory_order_release);
  if (wal_pages >= 1000) {
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  return SQLITE_OK;
}

// SQLite counts every allocation under one process-wide mutex unless told
// not to (it only feeds sqlite3_status, which nothing here reads); with
// connections on several threads that mutex is contended on every query.
// Must run before SQLite initialises, i.e. before the first open.
void ConfigureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path,
                                                                 int busy_timeout_ms) {
  ConfigureSqliteOnce();
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Fail(ErrorCode::kUnavailable, "cannot open database " + path + ": " + msg);
  }
  FileState& file = FileStateFor(path);
  std::unique_ptr<SqliteConnection> conn(new SqliteConnection(db, &file, busy_timeout_ms));
  sqlite3_busy_timeout(db, busy_timeout_ms);
  sqlite3_wal_hook(db, OnWalCommit, &file);
  // WAL lets readers run beside the one writer; FULL sync makes each commit
  // durable before it returns; foreign keys keep events tied to their job.
  auto st =
      conn->ExecScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
  if (!st) return Unexpected(st.error());
  return conn;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

std::unexpected<Error> SqliteConnection::LastError(std::string_view what) const {
  int code = sqlite3_errcode(db_);
  ErrorCode ec = (code == SQLITE_BUSY || code == SQLITE_LOCKED) ? ErrorCode::kUnavailable
                 : code == SQLITE_CONSTRAINT                    ? ErrorCode::kConflict
                 : code == SQLITE_IOERR || code == SQLITE_FULL  ? ErrorCode::kIo
                                                                : ErrorCode::kInternal;
  return Fail(ec, std::string(what) + ": " + sqlite3_errmsg(db_));
}

Result<sqlite3_stmt*> SqliteConnection::Prepare(std::string_view sql,
                                                const std::vector<SqlValue>& params) {
  sqlite3_stmt* stmt = nullptr;
  if (auto it = cache_.find(sql); it != cache_.end()) {
    stmt = it->second;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  } else {
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
        SQLITE_OK) {
      return LastError("prepare");
    }
    cache_.emplace(std::string(sql), stmt);
  }
  // A write inside a read transaction would be held until EndRead and could
  // fail on a stale snapshot: end the read transaction first.
  if (reading_ && !sqlite3_stmt_readonly(stmt)) EndRead();
  for (size_t i = 0; i < params.size(); ++i) {
    int idx = static_cast<int>(i + 1);
    const SqlValue& v = params[i];
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(v)) {
      rc = sqlite3_bind_null(stmt, idx);
    } else if (auto* n = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, idx, *n);
    } else if (auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, idx, *d);
    } else {
      const auto& s = std::get<std::string>(v);
      rc = sqlite3_bind_text(stmt, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) return LastError("bind");
  }
  return stmt;
}

Result<int64_t> SqliteConnection::Exec(std::string_view sql, const std::vector<SqlValue>& params) {
  AIPROD_ASSIGN(sqlite3_stmt * stmt, Prepare(sql, params));
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) {
    auto err = LastError("exec");
    sqlite3_reset(stmt);
    return err;
  }
  sqlite3_reset(stmt);
  return static_cast<int64_t>(sqlite3_changes(db_));
}

Result<SqlRows> SqliteConnection::Query(std::string_view sql, const std::vector<SqlValue>& params) {
  AIPROD_ASSIGN(sqlite3_stmt * stmt, Prepare(sql, params));
  SqlRows out;
  int n = sqlite3_column_count(stmt);
  for (int i = 0; i < n; ++i) out.columns.emplace_back(sqlite3_column_name(stmt, i));
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<SqlValue> row;
    row.reserve(n);
    for (int i = 0; i < n; ++i) {
      switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_NULL:
          row.emplace_back(std::monostate{});
          break;
        case SQLITE_INTEGER:
          row.emplace_back(int64_t{sqlite3_column_int64(stmt, i)});
          break;
        case SQLITE_FLOAT:
          row.emplace_back(sqlite3_column_double(stmt, i));
          break;
        default:
          row.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)),
                                       sqlite3_column_bytes(stmt, i)));
      }
    }
    out.rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) {
    auto err = LastError("query");
    sqlite3_reset(stmt);
    return err;
  }
  sqlite3_reset(stmt);
  return out;
}

Status SqliteConnection::ExecScript(std::string_view sql) {
  EndRead();
  std::string s(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    int code = sqlite3_errcode(db_);
    return Fail(code == SQLITE_BUSY ? ErrorCode::kUnavailable : ErrorCode::kInternal,
                "sql script: " + msg);
  }
  return {};
}

Status SqliteConnection::Step(std::string_view sql) {
  AIPROD_ASSIGN(sqlite3_stmt * stmt, Prepare(sql, {}));
  const int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return LastError(sql);
  return {};
}

Status SqliteConnection::BeginWrite() {
  EndRead();
  std::unique_lock lock(file_->writer, std::defer_lock);
  if (!lock.try_lock_for(std::chrono::milliseconds(busy_timeout_ms_))) {
    return Fail(ErrorCode::kUnavailable, "the database is busy: another writer in this process");
  }
  AIPROD_TRY(ExecScript("BEGIN IMMEDIATE"));
  writing_ = std::move(lock);
  return {};
}

Status SqliteConnection::BeginRead() {
  if (reading_ || !sqlite3_get_autocommit(db_)) return {};  // already in a transaction
  AIPROD_TRY(Step("BEGIN"));
  reading_ = true;
  return {};
}

void SqliteConnection::EndRead() {
  if (!reading_) return;
  reading_ = false;
  if (!Step("COMMIT")) Rollback();
}

Status SqliteConnection::Commit() {
  Status st = ExecScript("COMMIT");
  // A failed COMMIT leaves the transaction open; Rollback ends it and unlocks.
  if (st && writing_.owns_lock()) writing_.unlock();
  return st;
}

void SqliteConnection::Rollback() {
  reading_ = false;
  if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  if (writing_.owns_lock()) writing_.unlock();
}

Status SqliteConnection::BackupTo(const std::string& dest_path) {
  sqlite3* dest = nullptr;
  if (sqlite3_open(dest_path.c_str(), &dest) != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(dest);
    sqlite3_close(dest);
    return Fail(ErrorCode::kIo, "cannot open backup file " + dest_path + ": " + msg);
  }
  sqlite3_backup* b = sqlite3_backup_init(dest, "main", db_, "main");
  int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
  sqlite3_backup_finish(b);
  std::string msg = sqlite3_errmsg(dest);
  sqlite3_close(dest);
  if (rc != SQLITE_DONE) return Fail(ErrorCode::kIo, "backup failed: " + msg);
  return {};
}

}  // namespace aiprod
