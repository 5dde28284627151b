// PostgreSQL engine of the SQL seam, over libpq. Queries written with `?`
// placeholders are rewritten to $1, $2, ... once and cached as prepared
// statements per connection. One thread at a time.
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

  pg_conn* conn_;
  std::map<std::string, std::string, std::less<>> prepared_;  // sql -> statement name
  bool in_tx_ = false;
};

// `?` placeholders to `$n` (outside quotes).
std::string ToDollarParams(std::string_view sql);

}  // namespace aiprod
