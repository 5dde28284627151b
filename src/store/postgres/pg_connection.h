// PostgreSQL engine of the SQL seam, over libpq. Queries written with `?`
// placeholders are rewritten to $1, $2, ... once and cached as prepared
// statements per connection. Inside a transaction, BEGIN and deferred
// statements wait to be sent with the next statement that needs an answer
// (libpq's pipeline mode): a transaction costs fewer round trips, which is
// what a remote database charges most for. One thread at a time.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "store/sql.h"

struct pg_conn;

namespace aiprod {

class PgConnection final : public SqlConnection {
 public:
  // `url`: a libpq connection URI (postgres://user@host:port/db?...).
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& url,
                                                    int statement_timeout_ms = 30'000);
  ~PgConnection() override;

  Result<int64_t> Exec(std::string_view sql, const std::vector<SqlValue>& params = {}) override;
  Result<SqlRows> Query(std::string_view sql, const std::vector<SqlValue>& params = {}) override;
  Result<std::vector<SqlRows>> QueryAll(std::span<const SqlStatement> statements) override;
  Status Defer(SqlStatement statement) override;
  Status ExecScript(std::string_view sql) override;
  Status BeginWrite() override;
  Status Commit() override;
  void Rollback() override;
  bool Healthy() override;

  // The raw connection, for LISTEN/NOTIFY.
  pg_conn* raw() { return conn_; }

 private:
  explicit PgConnection(pg_conn* c) : conn_(c) {}
  struct Run;
  Result<Run> Execute(std::string_view sql, const std::vector<SqlValue>& params);
  // The name of `sql` prepared on this connection (prepared now if new).
  Result<std::string> Prepared(std::string_view sql);
  // Sends the pending statements and then `statements` in one pipeline;
  // returns the results of `statements`.
  Result<std::vector<Run>> Pipeline(std::span<const SqlStatement* const> statements);

  pg_conn* conn_;
  std::map<std::string, std::string, std::less<>> prepared_;  // sql -> statement name
  std::vector<SqlStatement> pending_;  // BEGIN and deferred statements, not sent yet
  bool in_tx_ = false;
  bool broken_ = false;  // a pipeline failed half-way: the protocol state is unknown
};

// `?` placeholders to `$n` (outside quotes).
std::string ToDollarParams(std::string_view sql);

}  // namespace aiprod
