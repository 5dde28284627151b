// The SQL seam both engines implement, where they differ most: PostgreSQL
// holds BEGIN and deferred statements back and sends them with the next
// statement (libpq's pipeline mode), SQLite runs everything at once. The
// outcome a caller sees must be the same.
#include "store/sql.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "store/pool.h"
#include "testing/postgres.h"

namespace aiprod {
namespace {

class SqlConnectionTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.ok());
    auto pool = OpenPool(db_.url());
    ASSERT_TRUE(pool) << pool.error().ToString();
    pool_ = *pool;
    auto c = pool_->Acquire();
    ASSERT_TRUE(c) << c.error().ToString();
    ASSERT_TRUE((*c)->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"));
  }

  int64_t Count(SqlConnection& c) {
    auto rows = c.Query("SELECT COUNT(*) AS n FROM t");
    EXPECT_TRUE(rows) << rows.error().ToString();
    return rows ? rows->Int(0, "n") : -1;
  }

  testing::EngineDatabase db_{GetParam()};
  std::shared_ptr<ConnectionPool> pool_;
};

TEST_P(SqlConnectionTest, DeferredStatementsLandWithTheCommit) {
  auto c = pool_->Acquire();
  ASSERT_TRUE(c);
  {
    auto tx = SqlTransaction::Begin(**c);
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*c)->Defer({"INSERT INTO t (id, v) VALUES (?, ?)", {int64_t{1}, "one"}}));
    ASSERT_TRUE((*c)->Defer({"INSERT INTO t (id, v) VALUES (?, ?)", {int64_t{2}, "two"}}));
    // A query inside the transaction sees what was deferred before it.
    auto rows = (*c)->Query("SELECT v FROM t WHERE id = ?", {int64_t{2}});
    ASSERT_TRUE(rows) << rows.error().ToString();
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(rows->Text(0, "v"), "two");
    ASSERT_TRUE((*c)->Defer({"INSERT INTO t (id, v) VALUES (?, ?)", {int64_t{3}, "three"}}));
    auto st = tx->Commit();
    ASSERT_TRUE(st) << st.error().ToString();
  }
  EXPECT_EQ(Count(**c), 3);
}

TEST_P(SqlConnectionTest, ADeferredFailureFailsTheTransactionAndWritesNothing) {
  auto c = pool_->Acquire();
  ASSERT_TRUE(c);
  ASSERT_TRUE((*c)->Exec("INSERT INTO t (id, v) VALUES (1, 'existing')"));
  {
    auto tx = SqlTransaction::Begin(**c);
    ASSERT_TRUE(tx);
    Status st = (*c)->Defer({"INSERT INTO t (id, v) VALUES (?, ?)", {int64_t{2}, "new"}});
    // The duplicate fails here on SQLite, at the commit on PostgreSQL.
    if (st) st = (*c)->Defer({"INSERT INTO t (id, v) VALUES (?, ?)", {int64_t{1}, "again"}});
    if (st) st = tx->Commit();
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, ErrorCode::kConflict) << st.error().ToString();
  }  // rolled back
  EXPECT_TRUE((*c)->Healthy());
  EXPECT_EQ(Count(**c), 1);
  auto rows = (*c)->Query("SELECT v FROM t WHERE id = 1");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->Text(0, "v"), "existing");
}

TEST_P(SqlConnectionTest, QueryAllAnswersInOrderOrWithTheFirstFailure) {
  auto c = pool_->Acquire();
  ASSERT_TRUE(c);
  std::vector<SqlStatement> reads = {{"SELECT ? AS a", {int64_t{7}}},
                                     {"SELECT ? AS a, ? AS b", {"x", int64_t{8}}},
                                     {"SELECT id FROM t", {}}};
  auto all = (*c)->QueryAll(reads);
  ASSERT_TRUE(all) << all.error().ToString();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].Int(0, "a"), 7);
  EXPECT_EQ((*all)[1].Text(0, "a"), "x");
  EXPECT_EQ((*all)[1].Int(0, "b"), 8);
  EXPECT_TRUE((*all)[2].empty());

  {
    auto tx = SqlTransaction::Begin(**c);
    ASSERT_TRUE(tx);
    std::vector<SqlStatement> writes = {
        {"INSERT INTO t (id, v) VALUES (1, 'a') RETURNING id", {}},
        {"INSERT INTO t (id, v) VALUES (1, 'duplicate') RETURNING id", {}},
        {"INSERT INTO t (id, v) VALUES (2, 'b') RETURNING id", {}}};
    auto failed = (*c)->QueryAll(writes);
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, ErrorCode::kConflict) << failed.error().ToString();
  }  // rolled back
  EXPECT_TRUE((*c)->Healthy());
  EXPECT_EQ(Count(**c), 0);
}

TEST_P(SqlConnectionTest, ATransactionThatSentNothingCommitsAndDeferOutsideOneRunsAtOnce) {
  auto c = pool_->Acquire();
  ASSERT_TRUE(c);
  {
    auto tx = SqlTransaction::Begin(**c);
    ASSERT_TRUE(tx);
    EXPECT_TRUE(tx->Commit());
  }
  ASSERT_TRUE((*c)->Defer({"INSERT INTO t (id, v) VALUES (?, ?)", {int64_t{5}, "now"}}));
  auto other = pool_->Acquire();  // another connection sees it: it was committed
  ASSERT_TRUE(other);
  EXPECT_EQ(Count(**other), 1);
}

// A read transaction shared between scopes (ReadScope's share_for, as an
// HTTP I/O thread shares one between the GETs of a turn of its event loop):
// on SQLite the next scope on the thread keeps the snapshot while it is
// young and this process has committed nothing since; it sees this
// process's commits at once, and another process's once EndSharedRead ends
// it. PostgreSQL counts no commits and never shares.
TEST_P(SqlConnectionTest, ASharedReadKeepsItsSnapshotUntilThisProcessCommits) {
  const bool shares = GetParam() == "sqlite";
  const std::chrono::microseconds kLong = std::chrono::seconds(60);
  auto count = [&] {
    auto c = pool_->Acquire();
    return c ? Count(**c) : -1;
  };
  // A writer this process does not count: a raw SQLite handle, or on
  // PostgreSQL another pool.
  auto insert_elsewhere = [&](int64_t id) {
    if (shares) {
      sqlite3* db = nullptr;
      ASSERT_EQ(sqlite3_open(db_.url().c_str(), &db), SQLITE_OK);
      std::string sql = "INSERT INTO t (id, v) VALUES (" + std::to_string(id) + ", 'elsewhere')";
      EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
      sqlite3_close(db);
    } else {
      auto other = OpenPool(db_.url());
      ASSERT_TRUE(other);
      auto c = (*other)->Acquire();
      ASSERT_TRUE(c && (*c)->Exec("INSERT INTO t (id, v) VALUES (?, 'elsewhere')", {id}));
    }
  };
  {
    ConnectionPool::ReadScope s(*pool_, kLong);
    EXPECT_EQ(count(), 0);
  }
  insert_elsewhere(1);
  {
    ConnectionPool::ReadScope s(*pool_, kLong);
    EXPECT_EQ(count(), shares ? 0 : 1) << "the first scope's snapshot";
  }
  {
    auto c = pool_->Acquire();  // not the kept connection: it is not lent outside a scope
    ASSERT_TRUE(c && (*c)->Exec("INSERT INTO t (id, v) VALUES (2, 'here')"));
  }
  {
    ConnectionPool::ReadScope s(*pool_, kLong);
    EXPECT_EQ(count(), 2) << "this process committed: a new snapshot";
  }
  insert_elsewhere(3);
  ConnectionPool::EndSharedRead();
  {
    ConnectionPool::ReadScope s(*pool_, kLong);
    EXPECT_EQ(count(), 3) << "after EndSharedRead";
  }
  insert_elsewhere(4);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  {
    ConnectionPool::ReadScope s(*pool_, std::chrono::milliseconds(1));
    EXPECT_EQ(count(), 4) << "too old to share";
  }
  {
    ConnectionPool::ReadScope s(*pool_);  // no sharing: ends its own transaction
    EXPECT_EQ(count(), 4);
  }
  insert_elsewhere(5);
  {
    ConnectionPool::ReadScope s(*pool_, kLong);
    EXPECT_EQ(count(), 5) << "the scope before kept nothing";
  }
  ConnectionPool::EndSharedRead();  // before the pool goes
}

INSTANTIATE_TEST_SUITE_P(Engines, SqlConnectionTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace aiprod
