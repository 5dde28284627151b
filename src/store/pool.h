// A pool of SQL connections to one database, shared by the repositories that
// use it (jobs, audit, keys, ...). Thread-safe. Connections come back to the
// pool when the handle dies, unless they report themselves broken.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "store/migrations.h"
#include "store/sql.h"

namespace aiprod {

class ConnectionPool {
 public:
  using Factory = std::function<Result<std::unique_ptr<SqlConnection>>()>;

  ConnectionPool(SqlDialect dialect, std::string engine, Factory factory, size_t max_idle = 8);

  // A connection for the caller's exclusive use until the handle is destroyed.
  class Handle {
   public:
    Handle(ConnectionPool* pool, std::unique_ptr<SqlConnection> c)
        : pool_(pool), c_(std::move(c)) {}
    Handle(Handle&&) = default;
    Handle& operator=(Handle&&) = delete;
    ~Handle();
    SqlConnection* operator->() { return c_.get(); }
    SqlConnection& operator*() { return *c_; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<SqlConnection> c_;
  };

  Result<Handle> Acquire();
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
  std::mutex mu_;
  std::vector<std::unique_ptr<SqlConnection>> idle_;  // guarded by mu_
};

// Opens the pool for `url`: "postgres://..." / "postgresql://..." for
// PostgreSQL; anything else is a SQLite file path (created if missing).
Result<std::shared_ptr<ConnectionPool>> OpenPool(const std::string& url);

}  // namespace aiprod
