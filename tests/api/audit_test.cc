// The audit log: what is recorded, brief content cut to 50 characters, and a
// hash chain that reveals a changed, removed or reordered row, through the
// repository and through `aiprod audit verify`.
#include "fixture.h"
#include "store/audit_log.h"
#include "testing/process.h"

namespace aiprod::testing {
namespace {

class AuditTest : public ApiTest {
 protected:
  // Raw SQL on the database, as an attacker with file access could run it.
  void Sql(const std::string& sql) {
    auto c = pool_->Acquire();
    ASSERT_TRUE(c);
    ASSERT_TRUE((*c)->ExecScript(sql)) << sql;
  }
  void MakeRows() {
    std::string editor = Key("editor", {"acme"});
    for (int i = 0; i < 3; ++i) CreateJob(editor, {{"brand_id", "acme"}});
    http_->Get("/v1/jobs");  // an authentication failure
  }
};

TEST_F(AuditTest, SecurityActionsAreRecordedWithContext) {
  std::string long_content(80, 'x');
  long_content = "é" + long_content;  // multi-byte: cut by characters, not bytes
  std::string editor = Key("editor", {"acme"});
  std::string id = CreateJob(editor, {{"brand_id", "acme"}, {"content", long_content}});
  http_->Post("/v1/jobs/" + id + "/cancel", "", {Bearer(editor), "X-Request-Id: req-123"});
  auto key =
      http_->Post("/v1/api-keys", R"({"role": "viewer", "brands": ["acme"]})", {Bearer(admin_)});
  ASSERT_EQ(key.status, 201) << key.body;
  http_->Request("DELETE", "/v1/api-keys/" + key.json()["id"].get<std::string>(), {Bearer(admin_)});
  http_->Get("/v1/jobs", {Bearer("aiprod_" + std::string(48, 'f'))});

  std::vector<std::string> actions;
  for (const auto& r : AuditRows()) actions.push_back(r.entry.action);
  // The server records the secrets it read at start.
  EXPECT_EQ(actions[0], "secret.read");
  auto has = [&](const std::string& a) {
    return std::find(actions.begin(), actions.end(), a) != actions.end();
  };
  for (const char* a : {"job.create", "job.cancel", "key.create", "key.revoke", "auth.failure"}) {
    EXPECT_TRUE(has(a)) << a;
  }
  for (const auto& r : AuditRows()) {
    // Secret values never reach the log.
    EXPECT_EQ(r.entry.detail.dump().find(config_.signing_secret), std::string::npos);
    if (r.entry.action == "job.create") {
      EXPECT_EQ(r.entry.target, id);
      EXPECT_EQ(r.entry.outcome, "success");
      EXPECT_EQ(r.entry.principal.substr(0, 4), "key:");
      EXPECT_EQ(r.entry.source, "127.0.0.1");
      EXPECT_EQ(r.entry.detail["content"], "é" + std::string(49, 'x'));
    }
    if (r.entry.action == "job.cancel") {
      EXPECT_EQ(r.entry.request_id, "req-123");
    }
  }
  // The API shows the log to admins, hashes included.
  auto api = http_->Get("/v1/audit?limit=2", {Bearer(admin_)});
  ASSERT_EQ(api.status, 200);
  EXPECT_EQ(api.json()["rows"].size(), 2u);
  EXPECT_EQ(api.json()["rows"][1]["prev_hash"], api.json()["rows"][0]["hash"]);
  EXPECT_EQ(api.json()["next_after"], 2);
}

TEST_F(AuditTest, IntactChainVerifies) {
  MakeRows();
  auto v = AuditLog(pool_).Verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->problems.empty());
  EXPECT_GE(v->rows, 5);
  EXPECT_EQ(v->head_hash, AuditRows().back().hash);
}

TEST_F(AuditTest, UpdatesAndDeletesAreRefusedByTheDatabase) {
  MakeRows();
  auto c = pool_->Acquire();
  ASSERT_TRUE(c);
  EXPECT_FALSE((*c)->Exec("UPDATE audit_log SET outcome = 'success' WHERE seq = 1"));
  EXPECT_FALSE((*c)->Exec("DELETE FROM audit_log WHERE seq = 1"));
}

TEST_F(AuditTest, ChangedRowIsDetected) {
  MakeRows();
  Sql("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET outcome = 'tampered' WHERE seq = 3;");
  auto v = AuditLog(pool_).Verify();
  ASSERT_TRUE(v);
  ASSERT_EQ(v->problems.size(), 1u);
  EXPECT_EQ(v->problems[0].seq, 3);
  EXPECT_EQ(v->problems[0].kind, "changed");
}

TEST_F(AuditTest, RemovedRowIsDetected) {
  MakeRows();
  Sql("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2;");
  auto v = AuditLog(pool_).Verify();
  ASSERT_TRUE(v);
  ASSERT_FALSE(v->problems.empty());
  EXPECT_EQ(v->problems[0].seq, 3);
  EXPECT_EQ(v->problems[0].kind, "removed");
}

TEST_F(AuditTest, RenumberedRemovalIsDetected) {
  MakeRows();
  // Remove row 2 and renumber the rest so the sequence has no gap.
  Sql("DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_no_update;"
      "DELETE FROM audit_log WHERE seq = 2; UPDATE audit_log SET seq = seq - 1 WHERE seq > 2;");
  auto v = AuditLog(pool_).Verify();
  ASSERT_TRUE(v);
  ASSERT_FALSE(v->problems.empty());
  EXPECT_EQ(v->problems[0].seq, 2);
  EXPECT_EQ(v->problems[0].kind, "removed");
}

TEST_F(AuditTest, ReorderedRowsAreDetected) {
  MakeRows();
  // Swap rows 2 and 3 whole (contents, hashes and links), keeping the numbers.
  Sql("DROP TRIGGER audit_log_no_update;"
      "UPDATE audit_log SET seq = -2 WHERE seq = 2;"
      "UPDATE audit_log SET seq = 2 WHERE seq = 3;"
      "UPDATE audit_log SET seq = 3 WHERE seq = -2;");
  auto v = AuditLog(pool_).Verify();
  ASSERT_TRUE(v);
  ASSERT_FALSE(v->problems.empty());
  EXPECT_EQ(v->problems[0].kind, "reordered");
  EXPECT_EQ(v->problems[0].seq, 2);
}

TEST_F(AuditTest, CliVerifyExitsNonZeroOnTampering) {
  MakeRows();
  std::vector<std::string> env = {"AIPROD_DATA_DIR=" + dir_.File("data")};
  auto ok =
      RunProcess({AiprodBinary(), "--db", config_.database, "audit", "verify", "--json"}, env);
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(Json::parse(ok.out)["ok"], true);
  Sql("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET target = 'x' WHERE seq = 2;");
  auto bad = RunProcess({AiprodBinary(), "--db", config_.database, "audit", "verify"}, env);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("row 2: changed"), std::string::npos) << bad.out;
}

}  // namespace
}  // namespace aiprod::testing
