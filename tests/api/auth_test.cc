// The authentication suite: every way a credential can be wrong answers 401
// (and writes an audit row with the reason); roles and brands limit what a
// valid principal may do, and another brand's job answers 404.
#include <chrono>
#include <thread>

#include "api/auth/jwt.h"
#include "core/files.h"
#include "fixture.h"
#include "store/api_keys.h"

namespace aiprod::testing {
namespace {

class AuthTest : public ApiTest {
 protected:
  // GET /v1/jobs with `header`; expects 401 and an auth.failure row with `reason`.
  void ExpectRefused(const std::string& header, const std::string& reason) {
    auto r = http_->Get(
        "/v1/jobs", header.empty() ? std::vector<std::string>{} : std::vector<std::string>{header});
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    EXPECT_EQ(r.json()["code"], "unauthorized");
    EXPECT_NE(r.header("www-authenticate"), "");
    auto rows = AuditRows();
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows.back().entry.action, "auth.failure");
    EXPECT_EQ(rows.back().entry.outcome, reason);
    EXPECT_EQ(rows.back().entry.source, "127.0.0.1");
  }
  Json Editor() { return Claims("alice", "editor", {"acme"}); }
};

TEST_F(AuthTest, MissingToken) { ExpectRefused("", "missing_credentials"); }

TEST_F(AuthTest, ValidTokensOfEveryAlgorithmAreAccepted) {
  EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(Hs256(Editor()))}).status, 200);
  EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(Signed(Editor(), RsaKey()))}).status, 200);
  EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(Signed(Editor(), EcKey(), "ES256"))}).status, 200);
  EXPECT_EQ(http_->Get("/v1/jobs", {"X-API-Key: " + Key("viewer", {"acme"})}).status, 200);
}

TEST_F(AuthTest, Expired) {
  Json c = Editor();
  c["exp"] = clock_.NowMs() / 1000 - 120;  // beyond the 60 s leeway
  ExpectRefused(Bearer(Hs256(c)), "token_expired");
  c["exp"] = clock_.NowMs() / 1000 - 30;  // within the leeway: still fine
  EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(Hs256(c))}).status, 200);
}

TEST_F(AuthTest, NotYetValid) {
  Json c = Editor();
  c["nbf"] = clock_.NowMs() / 1000 + 300;
  ExpectRefused(Bearer(Signed(c, RsaKey())), "token_not_yet_valid");
}

TEST_F(AuthTest, IssuedInTheFuture) {
  Json c = Editor();
  c["iat"] = clock_.NowMs() / 1000 + 300;
  ExpectRefused(Bearer(Hs256(c)), "token_issued_in_future");
}

TEST_F(AuthTest, MissingExpiry) {
  Json c = Editor();
  c.erase("exp");
  ExpectRefused(Bearer(Hs256(c)), "missing_claim");
}

TEST_F(AuthTest, WrongIssuer) {
  Json c = Editor();
  c["iss"] = "https://evil.test";
  ExpectRefused(Bearer(Signed(c, EcKey(), "ES256")), "wrong_issuer");
  c.erase("iss");
  ExpectRefused(Bearer(Hs256(c)), "wrong_issuer");
}

TEST_F(AuthTest, WrongAudience) {
  Json c = Editor();
  c["aud"] = "someone-else";
  ExpectRefused(Bearer(Hs256(c)), "wrong_audience");
  c["aud"] = Json::array({"x", "aiprod-test"});  // a list containing ours is fine
  EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(Hs256(c))}).status, 200);
}

TEST_F(AuthTest, BadSignature) {
  ExpectRefused(Bearer(Hs256(Editor(), "another-secret-that-is-32-bytes-long!!")), "bad_signature");
  // Right kid, wrong private key.
  ExpectRefused(Bearer(Signed(Editor(), ImpostorRsaKey())), "bad_signature");
  // A valid token with its payload swapped.
  std::string good = Hs256(Editor());
  Json evil = Editor();
  evil["role"] = "admin";
  evil["brands"] = {"*"};
  std::string forged = good.substr(0, good.find('.') + 1) + api::Base64UrlEncode(evil.dump()) +
                       good.substr(good.rfind('.'));
  ExpectRefused(Bearer(forged), "bad_signature");
}

TEST_F(AuthTest, AlgNone) {
  std::string token = api::Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." +
                      api::Base64UrlEncode(Editor().dump()) + ".";
  ExpectRefused(Bearer(token), "unsupported_alg");
  std::string with_kid = api::Base64UrlEncode(R"({"alg":"none","kid":"rsa-1"})") + "." +
                         api::Base64UrlEncode(Editor().dump()) + ".";
  ExpectRefused(Bearer(with_kid), "unsupported_alg");
}

TEST_F(AuthTest, Hs256SignedWithTheRsaPublicKey) {
  // The classic confusion attack: HMAC keyed with the public key the server
  // would use for RS256. The key (kid rsa-1) is an RSA key, so only RS256.
  Json header = {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", "rsa-1"}};
  auto t = api::SignJwt(header, Editor(), api::JwtAlg::kHS256, RsaKey().public_pem, nullptr);
  ASSERT_TRUE(t);
  ExpectRefused(Bearer(*t), "alg_mismatch");
  // Without a kid the configured HS256 secret applies, which the attacker lacks.
  auto t2 =
      api::SignJwt({{"alg", "HS256"}}, Editor(), api::JwtAlg::kHS256, RsaKey().public_pem, nullptr);
  ExpectRefused(Bearer(*t2), "bad_signature");
  // And RS256 claimed for the HS256 secret (no kid) is refused too.
  auto t3 = api::SignJwt({{"alg", "RS256"}}, Editor(), api::JwtAlg::kRS256, {}, RsaKey().key.get());
  ExpectRefused(Bearer(*t3), "alg_mismatch");
}

TEST_F(AuthTest, UnknownKidIsRefusedThenFoundAfterRotation) {
  KeyPair rotated = NewRsaKey("rsa-2");
  ExpectRefused(Bearer(Signed(Editor(), rotated)), "unknown_kid");
  // The identity provider publishes the new key: the next unknown kid starts
  // a refetch in the background (refused meanwhile); then the key verifies.
  ASSERT_TRUE(WriteFileAtomic(jwks_path_, Jwks({&RsaKey(), &EcKey(), &rotated}).dump()));
  long status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    status = http_->Get("/v1/jobs", {Bearer(Signed(Editor(), rotated))}).status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 200);
}

TEST_F(AuthTest, LifetimeBeyondTheCapIsRefused) {
  int64_t now = clock_.NowMs() / 1000;
  auto max = static_cast<int64_t>(config_.auth.max_token_lifetime_s);
  Json c = Editor();
  c["iat"] = now;
  c["exp"] = now + max + 60;
  ExpectRefused(Bearer(Hs256(c)), "token_lifetime_too_long");
  // Without iat the lifetime left counts.
  c.erase("iat");
  ExpectRefused(Bearer(Signed(c, RsaKey())), "token_lifetime_too_long");
  // Issued a while ago, at most the cap in all: fine.
  c["iat"] = now - 120;
  c["exp"] = now - 120 + max;
  EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(Hs256(c))}).status, 200);
}

TEST_F(AuthTest, MalformedTokens) {
  ExpectRefused(Bearer("not-a-token"), "malformed_token");
  ExpectRefused(Bearer("a.b.c.d"), "malformed_token");
  ExpectRefused("Authorization: Basic dXNlcjpwYXNz", "malformed_credentials");
  ExpectRefused("X-API-Key: aiprod_" + std::string(48, '0'), "unknown_api_key");
}

TEST_F(AuthTest, RevokedKeyStopsAtOnce) {
  std::string key = Key("editor", {"acme"});
  EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(key)}).status, 200);
  auto list = http_->Get("/v1/api-keys", {Bearer(admin_)}).json()["api_keys"];
  std::string id;
  for (const auto& k : list) {
    if (key.starts_with(k["prefix"].get<std::string>()) && k["role"] == "editor") id = k["id"];
  }
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(http_->Request("DELETE", "/v1/api-keys/" + id, {Bearer(admin_)}).status, 204);
  ExpectRefused(Bearer(key), "unknown_api_key");
  EXPECT_EQ(http_->Request("DELETE", "/v1/api-keys/" + id, {Bearer(admin_)}).status, 409);
}

TEST_F(AuthTest, KeyLastUseIsRecorded) {
  std::string key = Key("viewer", {"acme"});
  EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(key)}).status, 200);
  server_->service().Maintenance();
  auto found = db_->api_keys().FindActive(key);
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->last_used_ms);
  EXPECT_EQ(*found->last_used_ms, clock_.NowMs());
}

TEST_F(AuthTest, ViewerCannotApprove) {
  std::string job = CreateJob(Key("editor", {"acme"}), {{"brand_id", "acme"}, {"review", true}});
  ParkForReview(job);
  auto r = http_->Post("/v1/jobs/" + job + "/approve", "", {Bearer(Key("viewer", {"acme"}))});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.json()["code"], "forbidden");
  EXPECT_EQ(AuditRows().back().entry.action, "authz.denied");
  // A viewer token cannot either; an editor can.
  r = http_->Post("/v1/jobs/" + job + "/approve", "",
                  {Bearer(Hs256(Claims("v", "viewer", {"acme"})))});
  EXPECT_EQ(r.status, 403);
  r = http_->Post("/v1/jobs/" + job + "/approve", "", {Bearer(Hs256(Editor()))});
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(AuthTest, AnotherBrandsJobIsNotFound) {
  std::string job = CreateJob(Key("editor", {"acme"}), {{"brand_id", "acme"}, {"review", true}});
  ParkForReview(job);
  std::string other = Key("admin", {"globex"});  // even an admin, of another brand
  for (const std::string path : {"", "/manifest", "/events", "/artifacts"}) {
    auto r = http_->Get("/v1/jobs/" + job + path, {Bearer(other)});
    EXPECT_EQ(r.status, 404) << path << " " << r.body;
    EXPECT_EQ(r.json()["code"], "not_found");
  }
  for (const std::string action : {"approve", "reject", "cancel", "retry"}) {
    EXPECT_EQ(http_->Post("/v1/jobs/" + job + "/" + action, "", {Bearer(other)}).status, 404)
        << action;
  }
  EXPECT_EQ(http_
                ->Put("/v1/jobs/" + job + "/manifest", SampleManifest().dump(),
                      {Bearer(other), "If-Match: \"1\""})
                .status,
            404);
  // The list hides it too, and a token for both brands sees it.
  auto list = http_->Get("/v1/jobs", {Bearer(other)}).json();
  EXPECT_TRUE(list["jobs"].empty());
  auto both = Hs256(Claims("bob", "viewer", {"globex", "acme"}));
  EXPECT_EQ(http_->Get("/v1/jobs/" + job, {Bearer(both)}).status, 200);
  EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(both)}).json()["jobs"].size(), 1u);
}

TEST_F(AuthTest, CreatingForAnotherBrandIsForbidden) {
  auto r = http_->Post("/v1/jobs", R"({"content": "Hi.", "brand_id": "globex"})",
                       {Bearer(Key("editor", {"acme"}))});
  EXPECT_EQ(r.status, 403) << r.body;
  // With one brand, the brand is implied.
  auto ok = http_->Post("/v1/jobs", R"({"content": "Hi."})", {Bearer(Key("editor", {"acme"}))});
  ASSERT_EQ(ok.status, 202);
  auto job = store_->GetJob(ok.json()["id"]);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->brief.brand_id, "acme");
}

TEST_F(AuthTest, AdminOnlyRoutes) {
  std::string editor = Key("editor", {"*"});
  EXPECT_EQ(http_->Get("/v1/api-keys", {Bearer(editor)}).status, 403);
  EXPECT_EQ(http_->Get("/v1/audit", {Bearer(editor)}).status, 403);
  EXPECT_EQ(http_->Get("/metrics", {Bearer(editor)}).status, 403);
  EXPECT_EQ(
      http_->Post("/v1/api-keys", R"({"role":"admin","brands":["*"]})", {Bearer(editor)}).status,
      403);
}

class AuthOffTest : public ApiTest {
 protected:
  void Configure(Config& c) override { c.auth.mode = "off"; }
};

TEST_F(AuthOffTest, DevelopmentModeNeedsNoCredentials) {
  EXPECT_EQ(http_->Get("/v1/jobs").status, 200);
}

}  // namespace
}  // namespace aiprod::testing
