// Health, readiness, metrics, brand kits, API keys over HTTP, the compat
// routes /alerts and /icc/data, rate limits, and production start checks.
#include "core/secrets.h"
#include "fixture.h"
#include "store/sql_store.h"

namespace aiprod::testing {
namespace {

class OpsTest : public ApiTest {};

TEST_F(OpsTest, HealthAndReadyNeedNoCredentials) {
  auto h = http_->Get("/health");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.json()["status"], "ok");
  auto r = http_->Get("/ready");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["schema_version"], store_->LatestSchemaVersion());
}

TEST_F(OpsTest, MetricsCountRequestsJobsAndQueue) {
  CreateJob(admin_, {{"brand_id", "acme"}});
  http_->Get("/v1/jobs", {Bearer(admin_)});
  auto m = http_->Get("/metrics", {Bearer(admin_)});
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.header("content-type"), "text/plain; version=0.0.4");
  const std::string& t = m.body;
  EXPECT_NE(t.find(R"(aiprod_http_requests_total{route="/v1/jobs",method="POST",status="202"} 1)"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find(R"(aiprod_http_request_duration_seconds_bucket{route="/v1/jobs",le="+Inf"} 2)"),
            std::string::npos);
  EXPECT_NE(t.find(R"(aiprod_jobs{state="queued"} 1)"), std::string::npos);
  EXPECT_NE(t.find("aiprod_queue_depth 1"), std::string::npos);
  EXPECT_EQ(http_->Get("/metrics").status, 401);
}

TEST_F(OpsTest, BrandKitsAreStoredAndScoped) {
  std::string editor = Key("editor", {"acme"});
  Json kit = {{"brand_id", "acme"},
              {"name", "Acme"},
              {"palette", {{"primary", "#112233"}}},
              {"monthly_budget_usd", 1}};
  auto put = http_->Put("/v1/brands/acme", kit.dump(), {Bearer(editor)});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.header("etag"), "\"1\"");
  auto got = http_->Get("/v1/brands/acme", {Bearer(Key("viewer", {"acme"}))});
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json()["palette"]["primary"], "#112233");
  EXPECT_EQ(http_->Put("/v1/brands/acme", kit.dump(), {Bearer(editor)}).header("etag"), "\"2\"");
  // Another brand's editor: 404; a viewer: 403; bad kits: 400.
  EXPECT_EQ(http_->Get("/v1/brands/acme", {Bearer(Key("editor", {"globex"}))}).status, 404);
  EXPECT_EQ(http_->Put("/v1/brands/acme", kit.dump(), {Bearer(Key("viewer", {"acme"}))}).status,
            403);
  Json bad = kit;
  bad["palette"]["primary"] = "blue";
  EXPECT_EQ(http_->Put("/v1/brands/acme", bad.dump(), {Bearer(editor)}).status, 400);
  bad = kit;
  bad["brand_id"] = "globex";
  EXPECT_EQ(http_->Put("/v1/brands/acme", bad.dump(), {Bearer(editor)}).status, 400);
  // Kits not in the database come from the brand kit files.
  auto file = http_->Get("/v1/brands/northwind-coffee", {Bearer(admin_)});
  EXPECT_EQ(file.status, 200);
  EXPECT_EQ(file.json()["brand_id"], "northwind-coffee");
  EXPECT_EQ(http_->Get("/v1/brands/nope", {Bearer(admin_)}).status, 404);
  EXPECT_EQ(http_->Get("/v1/brands/..%2f..%2fetc", {Bearer(admin_)}).status, 404);
}

TEST_F(OpsTest, ApiKeysThroughTheApi) {
  auto created = http_->Post(
      "/v1/api-keys", R"({"name": "ci", "role": "editor", "brands": ["acme"]})", {Bearer(admin_)});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string key = created.json()["key"];
  EXPECT_TRUE(key.starts_with("aiprod_"));
  EXPECT_EQ(http_->Post("/v1/jobs", R"({"content": "Hi."})", {Bearer(key)}).status, 202);
  auto list = http_->Get("/v1/api-keys", {Bearer(admin_)});
  EXPECT_EQ(list.body.find(key), std::string::npos);  // never shown again
  EXPECT_EQ(http_->Post("/v1/api-keys", R"({"role": "root", "brands": ["acme"]})", {Bearer(admin_)})
                .status,
            400);
  EXPECT_EQ(
      http_->Post("/v1/api-keys", R"({"role": "viewer", "brands": []})", {Bearer(admin_)}).status,
      400);
}

TEST_F(OpsTest, AlertsAndIccData) {
  std::string editor = Key("editor", {"acme"});
  std::string held = CreateJob(editor, {{"brand_id", "acme"}, {"review", true}});
  ParkForReview(held);
  std::string failed = CreateJob(editor, {{"brand_id", "acme"}, {"review", true}});
  ParkForReview(failed);
  ASSERT_EQ(
      http_->Post("/v1/jobs/" + failed + "/reject", R"({"reason": "no"})", {Bearer(editor)}).status,
      200);
  auto icc = http_->Get("/icc/data", {Bearer(editor)});
  ASSERT_EQ(icc.status, 200);
  ASSERT_EQ(icc.json()["awaiting_approval"].size(), 1u);
  EXPECT_EQ(icc.json()["awaiting_approval"][0]["id"], held);
  EXPECT_EQ(icc.json()["awaiting_approval"][0]["production_manifest"]["revision"], 1);
  auto alerts = http_->Get("/alerts", {Bearer(editor)});
  ASSERT_EQ(alerts.status, 200);
  ASSERT_EQ(alerts.json()["alerts"].size(), 1u);
  EXPECT_EQ(alerts.json()["alerts"][0]["job_id"], failed);
  EXPECT_EQ(alerts.json()["alerts"][0]["kind"], "job_failed");
  // Another brand sees neither.
  std::string globex = Key("viewer", {"globex"});
  EXPECT_TRUE(http_->Get("/icc/data", {Bearer(globex)}).json()["awaiting_approval"].empty());
  EXPECT_TRUE(http_->Get("/alerts", {Bearer(globex)}).json()["alerts"].empty());
}

class RateLimitTest : public ApiTest {
 protected:
  void Configure(Config& c) override {
    c.limits.requests_per_s = 1;
    c.limits.request_burst = 3;
  }
};

TEST_F(RateLimitTest, PerKeyLimitAnswers429WithRetryAfter) {
  std::string key = Key("viewer", {"acme"});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(key)}).status, 200);
  auto r = http_->Get("/v1/jobs", {Bearer(key)});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.json()["code"], "rate_limited");
  EXPECT_EQ(r.header("retry-after"), "1");
  // Other keys have their own budget; time refills it.
  EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(Key("viewer", {"acme"}))}).status, 200);
  clock_.Advance(1000);
  EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(key)}).status, 200);
}

TEST(ProductionStartTest, RefusesUnsafeConfigurations) {
  TempDir dir;
  Config c = TestConfig(dir.path());
  c.env = "production";
  c.signing_secret = std::string(40, 'k') + "x";
  c.webhook_secret = "webhook-" + std::string(40, 'w') + "y";
  c.audit_key = "audit-" + std::string(40, 'a') + "z";
  c.auth.jwt_hs256_secret.clear();
  EXPECT_TRUE(ProductionProblems(c).empty());
  auto refuse = [&](Config bad, const std::string& why) {
    auto db = OpenDatabase(bad.DatabasePath());
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->store().Migrate());
    FakeClock clock;
    api::ApiDeps deps{&bad, &clock, &(*db)->store(), db->get(), nullptr, Logger::Null()};
    api::ApiServer server(deps, nullptr);
    auto port = server.Start("127.0.0.1:0");
    ASSERT_FALSE(port);
    EXPECT_NE(port.error().message.find(why), std::string::npos) << port.error().message;
  };
  Config off = c;
  off.auth.mode = "off";
  refuse(off, "auth.mode");
  Config weak = c;
  weak.signing_secret = "changeme";
  refuse(weak, "signing_secret");
  Config repeated = c;
  repeated.signing_secret = std::string(64, 'a');
  refuse(repeated, "signing_secret");
  Config pg = c;
  pg.database = "postgres://aiprod:postgres@db:5432/aiprod";
  EXPECT_FALSE(ProductionProblems(pg).empty());
  Config jwt = c;
  jwt.auth.jwt_hs256_secret = "changemechangemechangemechangeme";
  refuse(jwt, "auth.jwt_hs256_secret");
  // The audit chain's key: without it the chain can be rewritten.
  Config no_audit_key = c;
  no_audit_key.audit_key.clear();
  refuse(no_audit_key, "audit_key is not set");
  Config weak_audit_key = c;
  weak_audit_key.audit_key = std::string(40, 'q');
  refuse(weak_audit_key, "audit_key is a single repeated character");
  // Webhooks: their own strong secret (no fallback to signing_secret), and
  // no way to this network's addresses or plain http.
  Config no_webhook_secret = c;
  no_webhook_secret.webhook_secret.clear();
  refuse(no_webhook_secret, "webhook_secret is not set");
  Config weak_webhook_secret = c;
  weak_webhook_secret.webhook_secret = "changemechangemechangemechangeme";
  refuse(weak_webhook_secret, "webhook_secret is a well-known default");
  for (auto [key, field] : {std::pair{"webhook.allow_http", &WebhookConfig::allow_http},
                            std::pair{"webhook.allow_loopback", &WebhookConfig::allow_loopback},
                            std::pair{"webhook.allow_private", &WebhookConfig::allow_private}}) {
    Config open = c;
    open.webhook.*field = 1;
    refuse(open, std::string(key) + " must be 0");
  }
}

}  // namespace
}  // namespace aiprod::testing
