// A pool of SQL connections to one database, shared by the repositories that
// use it (jobs, audit, keys, ...). Thread-safe. Connections come back to the
// pool when the handle dies, unless they report themselves broken.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/thread_annotations.h"
#include "store/migrations.h"
#include "store/sql.h"

namespace aiprod {

class ConnectionPool {
 public:
  using Factory = std::function<Result<std::unique_ptr<SqlConnection>>()>;

  ConnectionPool(SqlDialect dialect, std::string engine, Factory factory, size_t max_idle = 8);

  // A connection for the caller's exclusive use until the handle is destroyed
  // (or, inside a ReadScope, the scope's connection, lent).
  class Handle {
   public:
    Handle(ConnectionPool* pool, std::unique_ptr<SqlConnection> c)
        : pool_(pool), c_(std::move(c)) {}
    Handle(Handle&&) = default;
    Handle& operator=(Handle&&) = delete;
    ~Handle();
    SqlConnection* operator->() { return get(); }
    SqlConnection& operator*() { return *get(); }

   private:
    friend class ConnectionPool;
    explicit Handle(SqlConnection* lent) : pool_(nullptr), lent_(lent) {}
    SqlConnection* get() { return c_ ? c_.get() : lent_; }
    ConnectionPool* pool_;
    std::unique_ptr<SqlConnection> c_;
    SqlConnection* lent_ = nullptr;
  };

  Result<Handle> Acquire();

  // While a ReadScope lives, Acquire() on its thread lends every caller the
  // scope's one connection, inside a read transaction (SqlConnection::BeginRead):
  // the reads of one request see one state of the database and, on SQLite,
  // take the read lock once. Writes still work (they end the read
  // transaction first). For short request handlers only: a read transaction
  // held long keeps SQLite from recycling its WAL. A scope inside another on
  // the same thread does nothing.
  //
  // With `share_for` > 0 the scope keeps its read transaction on the thread
  // when it ends, and the next scope on the thread takes it over if it began
  // less than `share_for` ago and this process has committed nothing since
  // (SqlConnection::LocalCommits; engines that do not count never share).
  // The thread must call EndSharedRead() soon after, and before the pool
  // dies: an HTTP I/O thread does it after each turn of its event loop, so
  // that the requests answered in one turn, all received before the turn's
  // first read, share one snapshot (docs/ARCHITECTURE.md, "Shared reads").
  class ReadScope {
   public:
    explicit ReadScope(ConnectionPool& pool,
                       std::chrono::microseconds share_for = std::chrono::microseconds(0));
    ReadScope(const ReadScope&) = delete;
    ReadScope& operator=(const ReadScope&) = delete;
    ~ReadScope();

   private:
    ConnectionPool* pool_;
    std::optional<uint64_t> commits_;  // LocalCommits() before the transaction began
    std::chrono::steady_clock::time_point began_;
    std::optional<Handle> held_;
  };
  // Ends the read transaction a sharing ReadScope left on this thread, if any.
  static void EndSharedRead();

  SqlDialect dialect() const { return dialect_; }
  const std::string& engine() const { return engine_; }
  // " FOR UPDATE" on PostgreSQL (row locks), "" on SQLite (the write
  // transaction already holds the database lock).
  const char* ForUpdate() const { return dialect_ == SqlDialect::kPostgres ? " FOR UPDATE" : ""; }

 private:
  SqlDialect dialect_;
  std::string engine_;
  Factory factory_;
  size_t max_idle_;
  Mutex mu_;
  std::vector<std::unique_ptr<SqlConnection>> idle_ GUARDED_BY(mu_);
};

// Opens the pool for `url`: "postgres://..." / "postgresql://..." for
// PostgreSQL; anything else is a SQLite file path (created if missing).
Result<std::shared_ptr<ConnectionPool>> OpenPool(const std::string& url);

}  // namespace aiprod
