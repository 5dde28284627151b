// The narrow SQL seam both engines implement, so that the Store's logic is
// written once (sql_store.cc) and only connections differ per engine.
// Queries use `?` placeholders; engines translate them as needed.
// A connection is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.h"

namespace aiprod {

using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;

class SqlRows {
 public:
  std::vector<std::string> columns;
  std::vector<std::vector<SqlValue>> rows;

  bool empty() const { return rows.empty(); }
  size_t size() const { return rows.size(); }
  // Typed access by column name; a NULL or missing value gives the fallback.
  std::string Text(size_t row, std::string_view column, std::string fallback = {}) const;
  int64_t Int(size_t row, std::string_view column, int64_t fallback = 0) const;
  bool IsNull(size_t row, std::string_view column) const;
  // The text value itself (no copy); null when the value is NULL, missing or not text.
  const std::string* TextRef(size_t row, std::string_view column) const;

 private:
  const SqlValue* Find(size_t row, std::string_view column) const;
};

struct SqlStatement {
  std::string sql;
  std::vector<SqlValue> params;
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  // Runs one statement; returns the number of rows changed.
  virtual Result<int64_t> Exec(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
  virtual Result<SqlRows> Query(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
  // Several independent queries; their results in order, or the first
  // failure. PostgreSQL sends them in one round trip (libpq's pipeline
  // mode); SQLite runs them one after the other.
  virtual Result<std::vector<SqlRows>> QueryAll(std::span<const SqlStatement> statements);
  // A statement inside a transaction whose result the caller does not need.
  // PostgreSQL sends it with the next statement or the COMMIT instead of on
  // its own (one round trip fewer), so a failure surfaces there and aborts
  // the transaction as it would have here. Outside a transaction, and on
  // SQLite, it runs at once.
  virtual Status Defer(SqlStatement statement);
  // Runs several `;`-separated statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;
  // Starts a transaction that will write (SQLite: BEGIN IMMEDIATE).
  virtual Status BeginWrite() = 0;
  // A read transaction around the next statements, so that they see one
  // state of the database (SQLite also takes its WAL read lock once instead of
  // per statement: a third of a simple GET's cost). A statement that writes,
  // or BeginWrite, ends it first; EndRead ends it. No-op on engines where it
  // would only add round trips (PostgreSQL).
  virtual Status BeginRead() { return {}; }
  virtual void EndRead() {}
  // How many transactions this process has committed to the database so
  // far, counted once each is visible to new readers; nullopt where not
  // counted. A read transaction begun when the count was N has seen all of
  // this process's writes while the count is still N: the condition for
  // sharing it (ConnectionPool::ReadScope).
  virtual std::optional<uint64_t> LocalCommits() const { return std::nullopt; }
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
  // False when the connection is broken and must be discarded.
  virtual bool Healthy() = 0;
};

// Rolls back unless Commit() was called.
class SqlTransaction {
 public:
  static Result<SqlTransaction> Begin(SqlConnection& c);
  SqlTransaction(SqlTransaction&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  SqlTransaction& operator=(SqlTransaction&&) = delete;
  ~SqlTransaction() {
    if (conn_) conn_->Rollback();
  }
  Status Commit();

 private:
  explicit SqlTransaction(SqlConnection* c) : conn_(c) {}
  SqlConnection* conn_;
};

}  // namespace aiprod
