// Audit rows carry the brand of their target, on both engines: listing by
// brand returns only those rows, in order, pageable; the brand is hashed.
#include <gtest/gtest.h>

#include "store/audit_log.h"
#include "store/pool.h"
#include "store/sql_repositories.h"
#include "store/sql_store.h"
#include "testing/postgres.h"

namespace aiprod {
namespace {

class AuditBrandTest : public ::testing::TestWithParam<std::string> {};

AuditEntry Row(int64_t at, std::string brand) {
  AuditEntry e;
  e.at_ms = at;
  e.principal = "cli:test";
  e.action = "job.create";
  e.target = "t" + std::to_string(at);
  e.outcome = "success";
  e.brand = std::move(brand);
  return e;
}

TEST_P(AuditBrandTest, ListForBrandsReturnsOnlyThoseBrandsRows) {
  testing::EngineDatabase db(GetParam());
  ASSERT_TRUE(db.ok());
  auto pool = OpenPool(db.url());
  ASSERT_TRUE(pool);
  ASSERT_TRUE(SqlStore(*pool).Migrate());
  auto log = NewSqlAuditLog(*pool, {});
  const char* brands[] = {"acme", "globex", "", "acme", "initech", "globex", "acme"};
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(log->Append(Row(1000 + i, brands[i])));

  auto acme = log->ListForBrands({"acme"}, 0, 100);
  ASSERT_TRUE(acme) << acme.error().ToString();
  ASSERT_EQ(acme->size(), 3u);
  for (const auto& r : *acme) EXPECT_EQ(r.entry.brand, "acme");
  EXPECT_LT((*acme)[0].seq, (*acme)[1].seq);

  auto two = log->ListForBrands({"acme", "initech"}, (*acme)[0].seq, 2);  // a page
  ASSERT_TRUE(two);
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0].entry.brand, "acme");
  EXPECT_EQ((*two)[1].entry.brand, "initech");

  auto none = log->ListForBrands({}, 0, 100);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());  // no brands: no rows, not every row

  auto all = log->List(0, 100);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 7u);
  EXPECT_EQ((*all)[2].entry.brand, "");
  // The brand is part of the row's hash; a row without one hashes as before.
  AuditEntry moved = (*all)[1].entry;
  moved.brand = "acme";
  EXPECT_NE(AuditHash((*all)[1].prev_hash, moved), (*all)[1].hash);
  AuditEntry plain = (*all)[2].entry;
  EXPECT_EQ(AuditHash((*all)[2].prev_hash, plain), (*all)[2].hash);
  auto v = log->Verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->problems.empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, AuditBrandTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace aiprod
