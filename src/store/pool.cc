#include "store/pool.h"

#include <filesystem>

#include "core/files.h"
#include "store/postgres/pg_connection.h"
#include "store/sqlite/sqlite_connection.h"

namespace aiprod {
namespace {

// The connection a ReadScope lends on this thread.
struct Lent {
  const ConnectionPool* pool = nullptr;
  SqlConnection* conn = nullptr;
};
thread_local Lent t_lent;

// The read transaction a sharing ReadScope left on this thread.
struct Kept {
  ConnectionPool* pool = nullptr;
  std::optional<ConnectionPool::Handle> held;
  uint64_t commits = 0;
  std::chrono::steady_clock::time_point began;
};
thread_local Kept t_kept;

}  // namespace

ConnectionPool::ConnectionPool(SqlDialect dialect, std::string engine, Factory factory,
                               size_t max_idle)
    : dialect_(dialect),
      engine_(std::move(engine)),
      factory_(std::move(factory)),
      max_idle_(max_idle) {}

ConnectionPool::Handle::~Handle() {
  if (!c_ || !pool_ || !c_->Healthy()) return;
  MutexLock lock(pool_->mu_);
  if (pool_->idle_.size() < pool_->max_idle_) pool_->idle_.push_back(std::move(c_));
}

Result<ConnectionPool::Handle> ConnectionPool::Acquire() {
  if (t_lent.pool == this) return Handle(t_lent.conn);
  {
    MutexLock lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Handle(this, std::move(c));
    }
  }
  AIPROD_ASSIGN(auto c, factory_());
  return Handle(this, std::move(c));
}

ConnectionPool::ReadScope::ReadScope(ConnectionPool& pool, std::chrono::microseconds share_for)
    : pool_(&pool) {
  if (t_lent.pool != nullptr) return;  // nested: the outer scope lends
  auto now = std::chrono::steady_clock::now();
  if (t_kept.held && t_kept.pool == &pool && share_for > share_for.zero() &&
      now - t_kept.began < share_for && (*t_kept.held)->LocalCommits() == t_kept.commits) {
    held_.emplace(std::move(*t_kept.held));
    t_kept.held.reset();
    // A no-op while its transaction is open; a write that failed inside the
    // last scope may have ended it.
    if (!(*held_)->BeginRead()) {
      held_.reset();
      return;
    }
    commits_ = t_kept.commits;
    began_ = t_kept.began;
    t_lent = {&pool, &**held_};
    return;
  }
  EndSharedRead();  // too old, stale, or another pool's
  auto h = pool.Acquire();
  if (!h) return;  // callers acquire on their own and see the error
  // Counted before the transaction begins: a commit counted after may or
  // may not be in the snapshot, and then the count differs, so it is not shared.
  auto commits = (*h)->LocalCommits();
  if (!(*h)->BeginRead()) return;
  if (share_for > share_for.zero()) commits_ = commits;
  began_ = now;
  held_.emplace(std::move(*h));
  t_lent = {&pool, &**held_};
}

ConnectionPool::ReadScope::~ReadScope() {
  if (!held_) return;
  t_lent = {};
  if (commits_) {
    t_kept.pool = pool_;
    t_kept.held.emplace(std::move(*held_));
    t_kept.commits = *commits_;
    t_kept.began = began_;
    return;
  }
  (*held_)->EndRead();
}

void ConnectionPool::EndSharedRead() {
  if (!t_kept.held) return;
  (*t_kept.held)->EndRead();
  t_kept.held.reset();  // back to its pool
}

Result<std::shared_ptr<ConnectionPool>> OpenPool(const std::string& url) {
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    AIPROD_ASSIGN(auto first, PgConnection::Open(url));
    auto factory = [url]() -> Result<std::unique_ptr<SqlConnection>> {
      AIPROD_ASSIGN(auto c, PgConnection::Open(url));
      return std::unique_ptr<SqlConnection>(std::move(c));
    };
    auto pool =
        std::make_shared<ConnectionPool>(SqlDialect::kPostgres, "postgres", std::move(factory));
    { ConnectionPool::Handle warm(pool.get(), std::move(first)); }
    return pool;
  }
  std::string path = url.starts_with("sqlite://") ? url.substr(9) : url;
  if (path.empty()) return Invalid("database", "must name a SQLite file");
  AIPROD_TRY(MakeDirs(std::filesystem::path(path).parent_path().string()));
  // Open one connection now so a bad path fails here, not at first use.
  AIPROD_ASSIGN(auto first, SqliteConnection::Open(path));
  auto factory = [path]() -> Result<std::unique_ptr<SqlConnection>> {
    AIPROD_ASSIGN(auto c, SqliteConnection::Open(path));
    return std::unique_ptr<SqlConnection>(std::move(c));
  };
  auto pool = std::make_shared<ConnectionPool>(SqlDialect::kSqlite, "sqlite", std::move(factory));
  { ConnectionPool::Handle warm(pool.get(), std::move(first)); }  // first goes idle
  return pool;
}

}  // namespace aiprod
