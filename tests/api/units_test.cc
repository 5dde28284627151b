// Small pieces: Range parsing, link signatures, rate limiting, base64url,
// JWKS parsing, secrets and the secrets file.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "api/auth/jwt.h"
#include "api/rate_limiter.h"
#include "api/stream_token.h"
#include "api/streams.h"
#include "artifacts/signed_url.h"
#include "core/config.h"
#include "core/files.h"
#include "core/secrets.h"
#include "testing/temp_dir.h"

namespace aiprod::testing {
namespace {

using api::ByteRange;
using api::RangeResult;

TEST(RangeTest, Parses) {
  ByteRange r;
  EXPECT_EQ(api::ParseRange("bytes=0-99", 1000, &r), RangeResult::kOk);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 99u);
  EXPECT_EQ(api::ParseRange("bytes=900-5000", 1000, &r), RangeResult::kOk);
  EXPECT_EQ(r.last, 999u);
  EXPECT_EQ(api::ParseRange("bytes=-100", 1000, &r), RangeResult::kOk);
  EXPECT_EQ(r.first, 900u);
  EXPECT_EQ(api::ParseRange("bytes=-5000", 1000, &r), RangeResult::kOk);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(api::ParseRange("bytes=1000-", 1000, &r), RangeResult::kUnsatisfiable);
  EXPECT_EQ(api::ParseRange("bytes=-0", 1000, &r), RangeResult::kUnsatisfiable);
  EXPECT_EQ(api::ParseRange("bytes=5-1", 1000, &r), RangeResult::kNone);
  EXPECT_EQ(api::ParseRange("bytes=0-1,5-6", 1000, &r), RangeResult::kNone);
  EXPECT_EQ(api::ParseRange("items=0-1", 1000, &r), RangeResult::kNone);
  EXPECT_EQ(api::ParseRange("bytes=a-b", 1000, &r), RangeResult::kNone);
  EXPECT_EQ(api::ParseRange("bytes=99999999999999999999999-", 1000, &r), RangeResult::kNone);
}

TEST(SignedLinkTest, TheApiUsesStoragesLinkScheme) {
  // GET /v1/files/... verifies links made by artifacts/signed_url.h.
  std::string url = SignedUrl("k", "/v1/files/a/b.mp4", 2000);
  EXPECT_EQ(VerifySignedUrl("k", url, 1999), LinkVerdict::kValid);
  EXPECT_EQ(VerifySignedUrl("k", url, 2001), LinkVerdict::kExpired);
  EXPECT_EQ(VerifySignedUrl("other", url, 0), LinkVerdict::kBadSignature);
}

TEST(PercentDecodeTest, PlusIsAPlusInAPathAndASpaceOnlyInAQuery) {
  EXPECT_EQ(api::PercentDecode("a+b"), "a+b");
  EXPECT_EQ(api::PercentDecode("a%2Bb%20c"), "a+b c");
  EXPECT_EQ(api::PercentDecode("%zz%4"), "%zz%4");  // not an escape: kept
  EXPECT_EQ(api::QueryDecode("a+b%2Bc"), "a b+c");
  api::HttpRequest req;
  req.query = "q=fresh+coffee&plus=%2B";
  EXPECT_EQ(req.Query("q"), "fresh coffee");
  EXPECT_EQ(req.Query("plus"), "+");
}

TEST(StreamTokenTest, NamesOneJobAndOnePrincipalAndExpires) {
  api::StreamGrant g{"job-1", "jwt:a.b+c/d", 2000, 3000};
  std::string token = api::IssueStreamToken("k", g);
  api::StreamGrant out;
  EXPECT_EQ(api::VerifyStreamToken("k", "job-1", token, 1999, &out), LinkVerdict::kValid);
  EXPECT_EQ(out.principal_id, g.principal_id);
  EXPECT_EQ(out.expires_s, 2000);
  EXPECT_EQ(out.until_s, 3000);
  EXPECT_EQ(api::VerifyStreamToken("k", "job-1", token, 2001, &out), LinkVerdict::kExpired);
  EXPECT_EQ(api::VerifyStreamToken("k", "job-2", token, 0, &out), LinkVerdict::kBadSignature);
  EXPECT_EQ(api::VerifyStreamToken("other", "job-1", token, 0, &out), LinkVerdict::kBadSignature);
  EXPECT_EQ(api::VerifyStreamToken("k", "job-1", token + ".x", 0, &out),
            LinkVerdict::kBadSignature);
  // Another principal, or a later end, under the same signature: refused.
  std::string sig = token.substr(token.rfind('.') + 1);
  EXPECT_EQ(api::VerifyStreamToken("k", "job-1", "2000.3000.a2V5Ong." + sig, 0, &out),
            LinkVerdict::kBadSignature);
  EXPECT_EQ(api::VerifyStreamToken("k", "job-1", "2000.0." + token.substr(10), 0, &out),
            LinkVerdict::kBadSignature);
}

TEST(RateLimiterTest, TokenBucket) {
  FakeClock clock(0);
  api::RateLimiter l(2, 2, clock);
  EXPECT_EQ(l.Acquire("a"), 0);
  EXPECT_EQ(l.Acquire("a"), 0);
  EXPECT_EQ(l.Acquire("a"), 500);
  EXPECT_EQ(l.Acquire("b"), 0);
  clock.Advance(500);
  EXPECT_EQ(l.Acquire("a"), 0);
  api::RateLimiter off(0, 1, clock);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(off.Acquire("a"), 0);
}

TEST(Base64UrlTest, RoundTripsAndRejectsNonCanonical) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00"}) {
    EXPECT_EQ(api::Base64UrlDecode(api::Base64UrlEncode(s)), s);
  }
  EXPECT_FALSE(api::Base64UrlDecode("Zm9v="));  // padding
  EXPECT_FALSE(api::Base64UrlDecode("Zm+v"));   // standard alphabet
  EXPECT_FALSE(api::Base64UrlDecode("Zh"));     // non-zero leftover bits
  EXPECT_FALSE(api::Base64UrlDecode("A"));
}

TEST(JwksTest, RefusesBadKeys) {
  EXPECT_FALSE(api::ParseJwks("[]"));
  EXPECT_FALSE(api::ParseJwks(R"({"keys":[{"kty":"oct","kid":"a","k":"AAAA"}]})"));
  EXPECT_FALSE(api::ParseJwks(R"({"keys":[{"kty":"RSA","kid":"a","n":"AQAB","e":"AQAB"}]})"));
  EXPECT_FALSE(
      api::ParseJwks(R"({"keys":[{"kty":"EC","kid":"a","crv":"P-384","x":"AA","y":"AA"}]})"));
  auto enc = api::ParseJwks(R"({"keys":[{"kty":"RSA","use":"enc","kid":"a"}]})");
  ASSERT_TRUE(enc);
  EXPECT_TRUE(enc->empty());
}

TEST(SecretsTest, WeakSecrets) {
  EXPECT_EQ(WeakSecretReason(""), "not set");
  EXPECT_EQ(WeakSecretReason("short"), "shorter than 32 bytes");
  EXPECT_EQ(WeakSecretReason(std::string(40, 'x')), "a single repeated character");
  EXPECT_EQ(WeakSecretReason("changemechangemechangemechangeme"), "a well-known default");
  EXPECT_EQ(WeakSecretReason("f3a9c1d2e4b5a6978877665544332211"), "");
  EXPECT_TRUE(HasDefaultPassword("postgres://u:postgres@h/db"));
  EXPECT_TRUE(HasDefaultPassword("postgresql://u:@h/db"));
  EXPECT_FALSE(HasDefaultPassword("postgres://u:Zx81-very-long@h/db"));
  EXPECT_FALSE(HasDefaultPassword("/var/lib/aiprod.db"));
}

TEST(SecretsTest, SecretsFileMustBePrivate) {
  TempDir dir;
  std::string path = dir.File("secrets.env");
  ASSERT_TRUE(
      WriteFileAtomic(path,
                      "# secrets\nAIPROD_SIGNING_SECRET=from-the-file-0123456789abcdef\n"
                      "AIPROD_AUTH_JWT_HS256_SECRET=jwt-secret-from-the-file-0123456789\n"));
  chmod(path.c_str(), 0644);
  auto open = LoadConfig("", {{"AIPROD_SECRETS_FILE", path}});
  ASSERT_FALSE(open);
  EXPECT_NE(open.error().message.find("chmod 600"), std::string::npos);
  chmod(path.c_str(), 0600);
  auto c = LoadConfig("", {{"AIPROD_SECRETS_FILE", path}});
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->signing_secret, "from-the-file-0123456789abcdef");
  EXPECT_EQ(c->auth.jwt_hs256_secret, "jwt-secret-from-the-file-0123456789");
  // The environment wins over the file.
  auto env = LoadConfig(
      "", {{"AIPROD_SECRETS_FILE", path}, {"AIPROD_SIGNING_SECRET", "from-the-environment"}});
  ASSERT_TRUE(env);
  EXPECT_EQ(env->signing_secret, "from-the-environment");
  // Only secrets belong there.
  ASSERT_TRUE(WriteFileAtomic(path, "AIPROD_RENDER_CRF=20\n"));
  chmod(path.c_str(), 0600);
  EXPECT_FALSE(LoadConfig("", {{"AIPROD_SECRETS_FILE", path}}));
  // Redacted in `config show`.
  EXPECT_EQ(c->ToJsonRedacted()["auth.jwt_hs256_secret"], "<redacted>");
}

TEST(SecretsTest, ShortJwtSecretIsRefused) {
  auto c = LoadConfig("", {{"AIPROD_AUTH_JWT_HS256_SECRET", "too-short"}});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().field, "auth.jwt_hs256_secret");
  EXPECT_EQ(c.error().message.find("too-short"), std::string::npos);
}

TEST(SecretsTest, NameFileSecrets) {
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.File("jwt"), "a-jwt-secret-read-from-a-file-0123456789\n"));
  auto c = LoadConfig("", {{"AIPROD_AUTH_JWT_HS256_SECRET_FILE", dir.File("jwt")}});
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->auth.jwt_hs256_secret, "a-jwt-secret-read-from-a-file-0123456789");
}

}  // namespace
}  // namespace aiprod::testing
