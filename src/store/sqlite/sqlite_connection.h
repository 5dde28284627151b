// SQLite engine of the SQL seam: WAL journal, busy timeout, foreign keys,
// prepared statements cached per connection. One thread at a time.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "store/sql.h"

struct sqlite3;
struct sqlite3_stmt;

namespace aiprod {

class SqliteConnection final : public SqlConnection {
 public:
  // Opens (creating if needed) the database file at `path`.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path,
                                                        int busy_timeout_ms = 10'000);
  ~SqliteConnection() override;

  Result<int64_t> Exec(std::string_view sql, const std::vector<SqlValue>& params = {}) override;
  Result<SqlRows> Query(std::string_view sql, const std::vector<SqlValue>& params = {}) override;
  Status ExecScript(std::string_view sql) override;
  Status BeginWrite() override;
  Status BeginRead() override;
  void EndRead() override;
  Status Commit() override;
  void Rollback() override;
  bool Healthy() override { return db_ != nullptr; }
  std::optional<uint64_t> LocalCommits() const override {
    return file_->commits.load(std::memory_order_acquire);
  }

  // What the connections of this process to one database file share.
  struct FileState {
    // One writer at a time per database file in this process: the others
    // wait here, woken as soon as it commits, instead of in SQLite's busy
    // handler, which sleeps in steps of up to 100 ms. Held from BeginWrite
    // to the end of the transaction.
    std::timed_mutex writer;
    std::atomic<uint64_t> commits{0};  // LocalCommits()
  };

  // Online backup of the whole database into `dest_path` (consistent snapshot).
  Status BackupTo(const std::string& dest_path);

 private:
  SqliteConnection(sqlite3* db, FileState* file, int busy_timeout_ms)
      : db_(db), file_(file), busy_timeout_ms_(busy_timeout_ms) {}
  Result<sqlite3_stmt*> Prepare(std::string_view sql, const std::vector<SqlValue>& params);
  std::unexpected<Error> LastError(std::string_view what) const;
  Status Step(std::string_view sql);  // a cached statement without parameters or rows

  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;  // owned; finalized in dtor
  bool reading_ = false;                                     // inside BeginRead's transaction
  FileState* file_;
  std::unique_lock<std::timed_mutex> writing_;  // of file_->writer
  int busy_timeout_ms_;
};

}  // namespace aiprod
