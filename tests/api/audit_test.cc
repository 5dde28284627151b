// The audit log: what is recorded, brief content cut to 50 characters, and a
// hash chain that reveals a changed, removed or reordered row, through the
// repository and through `aiprod audit verify`; a flood of bad credentials
// written as a bounded number of rows; a chain keyed with audit_key that
// cannot be recomputed without it, and anchors that catch a cut-off tail.
#include <algorithm>
#include <functional>
#include <map>

#include "core/files.h"
#include "core/ids.h"
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
  auto v = db_->OpenAuditLog({})->Verify();
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
  auto v = db_->OpenAuditLog({})->Verify();
  ASSERT_TRUE(v);
  ASSERT_EQ(v->problems.size(), 1u);
  EXPECT_EQ(v->problems[0].seq, 3);
  EXPECT_EQ(v->problems[0].kind, "changed");
}

TEST_F(AuditTest, RemovedRowIsDetected) {
  MakeRows();
  Sql("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2;");
  auto v = db_->OpenAuditLog({})->Verify();
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
  auto v = db_->OpenAuditLog({})->Verify();
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
  auto v = db_->OpenAuditLog({})->Verify();
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

// A flood of bad credentials from one address writes a bounded number of
// rows (the first few of each reason and minute, then one row with the count
// of the rest), every failure is accounted for, the address is turned away
// with 429 once it keeps failing, and another address's denial still shows
// as a row of its own.
TEST_F(AuditTest, FloodOfBadRequestsWritesBoundedRows) {
  const size_t rows_before = AuditRows().size();
  // Straight to the service (as the server hands it requests from 127.0.0.1):
  // 10,000 requests over HTTP take too long under the sanitizers.
  api::HttpRequest post_job, bad_link;
  post_job.method = "POST";
  post_job.target = post_job.path = "/v1/jobs";
  bad_link.method = "GET";
  bad_link.path = "/v1/files/" + NewUuidV7(clock_) + "/" + std::string(2000, 'n');
  bad_link.query = "expires=1&sig=x";
  bad_link.target = bad_link.path + "?" + bad_link.query;
  post_job.remote_addr = bad_link.remote_addr = "127.0.0.1";
  constexpr int kFlood = 10'000;
  std::map<int, int> statuses;
  for (int i = 0; i < kFlood; ++i) {
    api::HttpRequest req = i % 2 ? bad_link : post_job;
    ++statuses[server_->service().Handle(req).status];
  }
  EXPECT_GT(statuses[401], 0);
  EXPECT_GT(statuses[403], 0);
  EXPECT_GT(statuses[429], 0);  // turned away after limits.auth_failures_per_minute
  EXPECT_EQ(statuses[401] + statuses[403] + statuses[429], kFlood);
  auto blocked = http_->Get("/v1/jobs", {Bearer(admin_)});
  EXPECT_EQ(blocked.status, 429);  // before its credentials are even looked at
  EXPECT_EQ(blocked.json()["code"], "too_many_failures");
  EXPECT_NE(blocked.header("retry-after"), "");

  // Another address's denial is written at once, as its own row.
  api::HttpRequest other = post_job;
  other.headers.push_back({"authorization", "Bearer aiprod_" + std::string(48, 'f')});
  other.remote_addr = "192.0.2.7";
  EXPECT_EQ(server_->service().Handle(other).status, 401);
  auto own = [](const AuditRow& r) { return !r.entry.detail.contains("count"); };
  bool other_seen = false;
  for (const auto& r : AuditRows()) {
    other_seen =
        other_seen || (r.entry.source == "192.0.2.7" && own(r) &&
                       r.entry.action == "auth.failure" && r.entry.outcome == "unknown_api_key");
  }
  EXPECT_TRUE(other_seen);

  // Once the minute is over, the counts are written (maintenance runs every
  // second; here by hand after moving the fake clock).
  clock_.Advance(61'000);
  server_->service().Maintenance();
  auto rows = AuditRows();
  const size_t added = rows.size() - rows_before;
  size_t bytes = 0;
  int64_t accounted = 0;
  size_t longest_target = 0;
  for (size_t i = rows_before; i < rows.size(); ++i) {
    const AuditEntry& e = rows[i].entry;
    bytes += e.principal.size() + e.action.size() + e.target.size() + e.outcome.size() +
             e.request_id.size() + e.source.size() + e.detail.dump().size() + 2 * 64;
    longest_target = std::max(longest_target, e.target.size());
    if (e.source != "127.0.0.1") continue;
    accounted += own(rows[i]) ? 1 : e.detail["count"].get<int64_t>();
    if (!own(rows[i])) {
      EXPECT_EQ(e.detail["window_s"], 60);
      EXPECT_TRUE(e.detail.contains("window_start"));
    }
  }
  // Four (action, reason) pairs: 401s, refused links, and the 429s of each;
  // 10 rows each at most, one count each, and the other address's row.
  EXPECT_LE(added, 45u);
  EXPECT_LT(bytes, 50'000u);
  EXPECT_LE(longest_target, 256u);   // audit.max_field_chars (the link's path is 2000+)
  EXPECT_EQ(accounted, kFlood + 1);  // the flood and the 429 answered to the admin
  // A new minute: the address may try again, and its failure is a row again.
  EXPECT_EQ(http_->Get("/v1/jobs").status, 401);
  EXPECT_EQ(AuditRows().back().entry.outcome, "missing_credentials");
  auto v = db_->OpenAuditLog({})->Verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->problems.empty());
}

// Counts of a minute still open are written when the server stops.
TEST_F(AuditTest, CountedFailuresAreWrittenAtShutdown) {
  for (int i = 0; i < 30; ++i) EXPECT_EQ(http_->Get("/v1/jobs").status, 401);
  server_->Shutdown();
  server_->Wait();
  int64_t counted = 0, own = 0;
  for (const auto& r : AuditRows()) {
    if (r.entry.action != "auth.failure") continue;
    if (r.entry.detail.contains("count")) {
      counted += r.entry.detail["count"].get<int64_t>();
    } else {
      ++own;
    }
  }
  EXPECT_EQ(own, 10);  // audit.failure_rows_per_minute
  EXPECT_EQ(counted, 20);
}

// With audit_key the chain is keyed (HMAC): someone with write access to the
// database but not the key cannot remove a row and recompute the chain.
class KeyedAuditTest : public AuditTest {
 protected:
  void Configure(Config& c) override { c.audit_key = "test-audit-key-" + RandomHex(16); }

  // Rewrites rows from `from_seq` on as an attacker would after deleting or
  // changing rows: each row's prev_hash and hash recomputed with `hash`.
  void Recompute(int64_t from_seq,
                 const std::function<std::string(const std::string&, const AuditEntry&)>& hash) {
    Sql("DROP TRIGGER IF EXISTS audit_log_no_update;");
    auto c = pool_->Acquire();
    ASSERT_TRUE(c);
    std::string prev = kAuditGenesis;
    for (const auto& r : AuditRows()) {
      if (r.seq >= from_seq) {
        std::string h = hash(prev, r.entry);
        ASSERT_TRUE((*c)->Exec("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?",
                               {prev, h, r.seq}));
        prev = h;
      } else {
        prev = r.hash;
      }
    }
  }
  // Deletes row `seq` and renumbers the rest so the sequence has no gap.
  void RemoveRow(int64_t seq) {
    Sql("DROP TRIGGER IF EXISTS audit_log_no_delete; DROP TRIGGER IF EXISTS audit_log_no_update;"
        "DELETE FROM audit_log WHERE seq = " +
        std::to_string(seq) + "; UPDATE audit_log SET seq = seq - 1 WHERE seq > " +
        std::to_string(seq) + ";");
  }
  std::vector<std::string> CliEnv() {
    return {"AIPROD_DATA_DIR=" + dir_.File("data"), "AIPROD_AUDIT_KEY=" + config_.audit_key};
  }
  ProcessResult Cli(std::vector<std::string> args, std::vector<std::string> env = {}) {
    args.insert(args.begin(), {AiprodBinary(), "--db", config_.database, "audit"});
    return RunProcess(args, env.empty() ? CliEnv() : env);
  }
};

TEST_F(KeyedAuditTest, RowsAreKeyedAndVerifyOnlyWithTheKey) {
  MakeRows();
  auto rows = AuditRows();
  for (const auto& r : rows) EXPECT_TRUE(r.hash.starts_with("hmac-sha256:")) << r.seq;
  auto v = db_->OpenAuditLog(config_.audit_key)->Verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->problems.empty());
  EXPECT_EQ(v->keyed_rows, static_cast<int64_t>(rows.size()));
  // Without the key the keyed rows cannot be checked, and nothing is
  // appended to the chain unkeyed.
  auto unkeyed = db_->OpenAuditLog({})->Verify();
  ASSERT_TRUE(unkeyed);
  ASSERT_EQ(unkeyed->problems.size(), 1u);
  EXPECT_EQ(unkeyed->problems[0].kind, "unchecked");
  AuditEntry e;
  e.action = "test";
  e.outcome = "success";
  auto st = db_->OpenAuditLog({})->Append(e);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "audit_key");
  EXPECT_EQ(AuditRows().size(), rows.size());
}

TEST_F(KeyedAuditTest, RemovalRecomputedWithPlainSha256IsDetected) {
  MakeRows();
  RemoveRow(3);
  Recompute(3, [](const std::string& prev, const AuditEntry& e) { return AuditHash(prev, e); });
  auto v = db_->OpenAuditLog(config_.audit_key)->Verify();
  ASSERT_TRUE(v);
  ASSERT_FALSE(v->problems.empty());
  EXPECT_EQ(v->problems[0].seq, 3);
  EXPECT_EQ(v->problems[0].kind, "unkeyed");
  auto cli = Cli({"verify"});
  EXPECT_EQ(cli.exit_code, 1) << cli.out << cli.err;
  EXPECT_NE(cli.out.find("row 3: unkeyed"), std::string::npos) << cli.out;
}

TEST_F(KeyedAuditTest, WholeChainRecomputedWithPlainSha256IsDetected) {
  MakeRows();
  RemoveRow(2);
  Recompute(1, [](const std::string& prev, const AuditEntry& e) { return AuditHash(prev, e); });
  auto v = db_->OpenAuditLog(config_.audit_key)->Verify();
  ASSERT_TRUE(v);
  ASSERT_EQ(v->problems.size(), 1u);
  EXPECT_EQ(v->problems[0].kind, "unkeyed");
  EXPECT_EQ(v->keyed_rows, 0);
}

TEST_F(KeyedAuditTest, RemovalRecomputedWithAnotherKeyIsDetected) {
  MakeRows();
  RemoveRow(2);
  const std::string guess = "not-the-audit-key-" + RandomHex(16);
  Recompute(
      2, [&](const std::string& prev, const AuditEntry& e) { return AuditHmac(guess, prev, e); });
  auto v = db_->OpenAuditLog(config_.audit_key)->Verify();
  ASSERT_TRUE(v);
  ASSERT_FALSE(v->problems.empty());
  EXPECT_EQ(v->problems[0].seq, 2);
  EXPECT_EQ(v->problems[0].kind, "changed");
  // With the attacker's key it would pass: the key is what protects it.
  auto forged = db_->OpenAuditLog(guess)->Verify();
  ASSERT_TRUE(forged);
  ASSERT_FALSE(forged->problems.empty());
  EXPECT_EQ(forged->problems[0].seq, 1);  // rows before the removal stay the real key's
}

// Rows written before audit_key was set still verify, and the first keyed
// row seals them: rewriting one of them is detected.
TEST_F(AuditTest, PlainRowsBeforeTheKeyStillVerifyAndAreSealed) {
  MakeRows();
  const int64_t plain = static_cast<int64_t>(AuditRows().size());
  const std::string key = "test-audit-key-" + RandomHex(16);
  AuditEntry e;
  e.action = "test.keyed";
  e.outcome = "success";
  ASSERT_TRUE(db_->OpenAuditLog(key)->Append(e));
  ASSERT_TRUE(db_->OpenAuditLog(key)->Append(e));
  auto v = db_->OpenAuditLog(key)->Verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->problems.empty());
  EXPECT_EQ(v->keyed_rows, 2);
  EXPECT_EQ(v->rows, plain + 2);
  // Change plain row 2 and recompute the plain rows after it.
  Sql("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET outcome = 'x' WHERE seq = 2;");
  auto c = pool_->Acquire();
  ASSERT_TRUE(c);
  std::string prev = AuditRows()[0].hash;
  for (const auto& r : AuditRows()) {
    if (r.seq < 2 || r.seq > plain) continue;
    std::string h = AuditHash(prev, r.entry);
    ASSERT_TRUE(
        (*c)->Exec("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", {prev, h, r.seq}));
    prev = h;
  }
  auto sealed = db_->OpenAuditLog(key)->Verify();
  ASSERT_TRUE(sealed);
  ASSERT_FALSE(sealed->problems.empty());
  EXPECT_EQ(sealed->problems[0].seq, plain + 1);
}

// An anchor kept outside the database catches what the table alone cannot:
// rows cut off the tail. A forged anchor is refused.
TEST_F(KeyedAuditTest, AnchorCatchesATruncatedTail) {
  MakeRows();
  auto anchor = Cli({"anchor"});
  ASSERT_EQ(anchor.exit_code, 0) << anchor.err;
  std::string line = anchor.out.substr(0, anchor.out.find('\n'));
  auto parsed = ParseAnchor(line);
  ASSERT_TRUE(parsed) << line;
  EXPECT_EQ(parsed->seq, static_cast<int64_t>(AuditRows().size()));
  ASSERT_TRUE(WriteFileAtomic(dir_.File("anchor.json"), anchor.out));
  EXPECT_EQ(Cli({"verify", "--anchor", line}).exit_code, 0);
  EXPECT_EQ(Cli({"verify", "--anchor", dir_.File("anchor.json")}).exit_code, 0);
  // More rows after the anchor are fine.
  http_->Get("/v1/jobs");
  EXPECT_EQ(Cli({"verify", "--anchor", line}).exit_code, 0);

  Sql("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq >= " +
      std::to_string(parsed->seq - 1) + ";");
  auto plain = Cli({"verify"});
  EXPECT_EQ(plain.exit_code, 0) << plain.out;  // the table alone cannot tell
  auto checked = Cli({"verify", "--anchor", dir_.File("anchor.json")});
  EXPECT_EQ(checked.exit_code, 1) << checked.out;
  EXPECT_NE(checked.out.find(": truncated: "), std::string::npos) << checked.out;
}

TEST_F(KeyedAuditTest, ForgedAnchorIsRefused) {
  MakeRows();
  auto made = Cli({"anchor"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto a = ParseAnchor(made.out);
  ASSERT_TRUE(a);
  // An anchor naming an earlier row with that row's real hash, but the mac of
  // the real one: refused.
  AuditAnchor moved = *a;
  moved.seq = 2;
  moved.hash = AuditRows()[1].hash;
  auto r = Cli({"verify", "--json", "--anchor", AnchorText(moved)});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto j = Json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["problems"][0]["kind"], "anchor");
  // Signed with another key: refused too.
  AuditAnchor other = SignAnchor("another-audit-key-" + RandomHex(16), a->seq, a->hash, a->at);
  EXPECT_EQ(Cli({"verify", "--anchor", AnchorText(other)}).exit_code, 1);
  // Without audit_key there is nothing to sign or check anchors with.
  std::vector<std::string> no_key = {"AIPROD_DATA_DIR=" + dir_.File("data")};
  EXPECT_EQ(Cli({"anchor"}, no_key).exit_code, 2);
  EXPECT_EQ(Cli({"verify", "--anchor", AnchorText(*a)}, no_key).exit_code, 2);
}

}  // namespace
}  // namespace aiprod::testing
