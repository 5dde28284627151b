// Backup and restore on both engines: jobs, events and the audit chain survive.
#include "store/backup.h"

#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/ids.h"
#include "store/audit_log.h"
#include "store/pool.h"
#include "store/sql_repositories.h"
#include "store/sql_store.h"
#include "testing/postgres.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

class BackupTest : public ::testing::TestWithParam<std::string> {
 protected:
  // A fresh, empty database of this engine.
  std::string NewDatabase() {
    dbs_.push_back(std::make_unique<testing::EngineDatabase>(GetParam()));
    EXPECT_TRUE(dbs_.back()->ok());
    return dbs_.back()->url();
  }
  testing::TempDir dir_;
  std::vector<std::unique_ptr<testing::EngineDatabase>> dbs_;
};

TEST_P(BackupTest, RestoreIntoAFreshDatabaseKeepsJobsEventsAndTheAuditChain) {
  std::string source = NewDatabase();
  auto pool = OpenPool(source);
  ASSERT_TRUE(pool);
  SqlStore store(*pool);
  ASSERT_TRUE(store.Migrate());
  SystemClock clock;
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    NewJob nj;
    nj.id = NewUuidV7(clock);
    nj.brief.content = "Backup me " + std::to_string(i) + ".";
    nj.now_ms = clock.NowMs();
    ASSERT_TRUE(store.CreateJob(nj));
    ids.push_back(nj.id);
  }
  auto audit = NewSqlAuditLog(*pool, {});
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(audit->Append({clock.NowMs(), "cli:test", "job.create", ids[i % 3], "success", "",
                               "cli", Json::object(), ""}));
  }
  auto before = audit->Verify();
  ASSERT_TRUE(before);

  std::string file = dir_.File("backups/aiprod.backup");
  auto info = BackupDatabase(source, file);
  ASSERT_TRUE(info) << info.error().ToString();
  EXPECT_GT(info->bytes, 0);

  std::string target = NewDatabase();
  ASSERT_TRUE(RestoreDatabase(file, target));
  auto restored_pool = OpenPool(target);
  ASSERT_TRUE(restored_pool);
  SqlStore restored(*restored_pool);
  ASSERT_TRUE(restored.Migrate());
  for (const auto& id : ids) {
    auto job = restored.GetJob(id);
    ASSERT_TRUE(job) << id;
    EXPECT_EQ(job->brief.content.substr(0, 9), "Backup me");
    EXPECT_EQ(restored.ListEvents(id)->size(), 1u);
  }
  auto restored_audit = NewSqlAuditLog(*restored_pool, {});
  auto after = restored_audit->Verify();
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->problems.empty());
  EXPECT_EQ(after->rows, 5);
  EXPECT_EQ(after->head_hash, before->head_hash);

  // Restoring over live data is refused.
  auto again = RestoreDatabase(file, target);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(RestoreDatabase(dir_.File("nope"), NewDatabase()).error().code, ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Engines, BackupTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace aiprod
