#include "fixture.h"

#include <chrono>

#include "api/auth/jwt.h"
#include "core/files.h"
#include "core/ids.h"
#include "model/manifest.h"
#include "store/api_keys.h"
#include "store/audit_log.h"

namespace aiprod::testing {

Config TestConfig(const std::string& dir) {
  Config c;
  c.env = "test";
  c.data_dir = dir + "/data";
  c.database = dir + "/aiprod.db";
  c.brands_dir = SourceDir() + "/brands";
  c.signing_secret = "test-signing-secret-" + RandomHex(16);
  c.auth.jwt_hs256_secret = "test-hs256-secret-" + RandomHex(16);
  c.auth.issuer = "https://issuer.test";
  c.auth.audience = "aiprod-test";
  c.auth.jwks_min_refresh_s = 0;
  c.limits.requests_per_s = 0;  // unlimited unless a test sets it
  c.api.sse_poll_ms = 50;
  c.api.read_timeout_s = 5;
  c.api.drain_timeout_s = 5;
  c.log_level = "error";
  return c;
}

void ApiTest::SetUp() {
  clock_.Advance(std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count());
  config_ = TestConfig(dir_.path());
  jwks_path_ = dir_.File("jwks.json");
  config_.auth.jwks_file = jwks_path_;
  ASSERT_TRUE(WriteFileAtomic(jwks_path_, Jwks({&RsaKey(), &EcKey()}).dump()));
  Configure(config_);
  auto pool = OpenPool(config_.DatabasePath());
  ASSERT_TRUE(pool) << pool.error().ToString();
  pool_ = *pool;
  auto db = OpenDatabase(config_.DatabasePath());
  ASSERT_TRUE(db) << db.error().ToString();
  db_ = std::move(*db);
  store_ = &db_->store();
  ASSERT_TRUE(store_->Migrate());
  server_ = std::make_unique<api::ApiServer>(
      Deps(config_, Logger(LogLevel::kError, LogFormat::kText, stderr)), nullptr);
  auto port = server_->Start("127.0.0.1:0");
  ASSERT_TRUE(port) << port.error().ToString();
  port_ = *port;
  http_ = std::make_unique<HttpClient>(port_);
  admin_ = Key("admin", {"*"});
}

api::ApiDeps ApiTest::Deps(const Config& config, Logger log) {
  api::ApiDeps deps;
  deps.config = &config;
  deps.clock = &clock_;
  deps.store = store_;
  deps.db = db_.get();
  deps.log = std::move(log);
  return deps;
}

void ApiTest::TearDown() {
  http_.reset();
  if (server_) {
    server_->Shutdown();
    server_->Wait();
  }
  server_.reset();
}

std::string ApiTest::Key(const std::string& role, std::vector<std::string> brands) {
  ApiKeyRepository& keys = db_->api_keys();
  auto k =
      keys.Create({NewUuidV7(clock_), "test", role, std::move(brands), "test"}, clock_.NowMs());
  EXPECT_TRUE(k);
  return k->second;
}

Json ApiTest::Claims(const std::string& sub, const std::string& role,
                     std::vector<std::string> brands) {
  int64_t now = clock_.NowMs() / 1000;
  return {{"iss", config_.auth.issuer},
          {"aud", config_.auth.audience},
          {"sub", sub},
          {"iat", now},
          {"nbf", now},
          {"exp", now + 600},
          {"role", role},
          {"brands", brands}};
}

std::string ApiTest::Hs256(const Json& claims, const std::string& secret) {
  auto t = api::SignJwt({{"alg", "HS256"}, {"typ", "JWT"}}, claims, api::JwtAlg::kHS256,
                        secret.empty() ? config_.auth.jwt_hs256_secret : secret, nullptr);
  EXPECT_TRUE(t);
  return *t;
}

std::string ApiTest::Signed(const Json& claims, const KeyPair& key, const std::string& alg) {
  auto t =
      api::SignJwt({{"alg", alg}, {"typ", "JWT"}, {"kid", key.kid}}, claims,
                   alg == "ES256" ? api::JwtAlg::kES256 : api::JwtAlg::kRS256, {}, key.key.get());
  EXPECT_TRUE(t);
  return *t;
}

std::string ApiTest::CreateJob(const std::string& key, Json brief) {
  if (!brief.contains("content")) brief["content"] = "Fresh coffee, every morning.";
  auto r = http_->Post("/v1/jobs", brief.dump(), {Bearer(key)});
  EXPECT_EQ(r.status, 202) << r.body;
  return r.json().value("id", "");
}

Json ApiTest::SampleManifest() {
  Json scene = {
      {"id", "s1"},
      {"duration_s", 3},
      {"background", {{"type", "solid"}, {"color", "#102030"}}},
      {"layers", Json::array({{{"type", "text"}, {"text", "Hello"}, {"role", "title"}}})}};
  Json variant = {{"manifest_version", 1},
                  {"title", "t"},
                  {"lang", "en"},
                  {"canvas", {{"width", 1920}, {"height", 1080}, {"fps", 30}}},
                  {"scenes", Json::array({scene})}};
  Json pm = {{"revision", 1}, {"variants", Json::array({variant})}};
  // Normalize through the model so tests compare what the server stores.
  auto parsed = ProductionManifestFromJson(pm);
  EXPECT_TRUE(parsed) << parsed.error().ToString();
  return parsed ? ProductionManifestToJson(*parsed) : pm;
}

void ApiTest::ParkForReview(const std::string& job_id) {
  auto lease = store_->Claim({"test:1:x", clock_.NowMs(), 60'000, job_id});
  ASSERT_TRUE(lease && *lease);
  JobTransition t{JobState::kQueued, JobState::kAwaitingApproval, "parked_for_approval"};
  t.patch.production_manifest = SampleManifest();
  t.release_lease = true;
  ASSERT_TRUE(store_->Apply(job_id, &**lease, t, clock_.NowMs()));
}

void ApiTest::Deliver(const std::string& job_id, const std::string& video) {
  auto job = store_->GetJob(job_id);
  ASSERT_TRUE(job);
  auto lease = store_->Claim({"test:1:x", clock_.NowMs(), 60'000, job_id});
  ASSERT_TRUE(lease && *lease);
  std::string dir = video.substr(0, video.rfind('/'));
  ASSERT_TRUE(WriteFileAtomic(dir + "/manifest.json", "{}"));
  ASSERT_TRUE(WriteFileAtomic(dir + "/qa.json", "{\"ok\":true}"));
  JobTransition t{job->state, JobState::kDelivered};
  t.checkpoint_stage = "deliver";
  t.checkpoint = {{"output_dir", dir},
                  {"artifacts", Json::array({{{"lang", "en"},
                                              {"aspect", "16:9"},
                                              {"video", video},
                                              {"duration_s", 3.0},
                                              {"width", 1920},
                                              {"height", 1080}}})},
                  {"manifest", dir + "/manifest.json"},
                  {"qa", dir + "/qa.json"}};
  t.release_lease = true;
  ASSERT_TRUE(store_->Apply(job_id, &**lease, t, clock_.NowMs()));
}

std::vector<AuditRow> ApiTest::AuditRows() {
  auto rows = db_->OpenAuditLog({})->List(0, 10'000);
  EXPECT_TRUE(rows);
  return rows ? *rows : std::vector<AuditRow>{};
}

}  // namespace aiprod::testing
