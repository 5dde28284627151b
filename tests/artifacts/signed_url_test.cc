// Signed, expiring links: valid until they expire, refused when tampered with.
#include "artifacts/signed_url.h"

#include <gtest/gtest.h>

namespace aiprod {
namespace {

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";
constexpr int64_t kNow = 1'700'000'000;

TEST(SignedUrl, ValidExpiredTampered) {
  const std::string path = "/v1/files/job/en-16x9.mp4";
  std::string url = SignedUrl(kSecret, path, kNow + 3600);
  EXPECT_EQ(url.rfind(path + "?expires=1700003600&sig=", 0), 0u) << url;
  EXPECT_EQ(VerifySignedUrl(kSecret, url, kNow), LinkVerdict::kValid);
  EXPECT_EQ(VerifySignedUrl(kSecret, url, kNow + 3600), LinkVerdict::kValid);  // through its second
  EXPECT_EQ(VerifySignedUrl(kSecret, url, kNow + 3601), LinkVerdict::kExpired);

  const std::string sig = SignPath(kSecret, path, kNow + 3600);
  auto verify = [&](std::string_view p, std::string_view e, std::string_view s) {
    return VerifyLink(kSecret, p, e, s, kNow);
  };
  EXPECT_EQ(verify(path, "1700003600", sig), LinkVerdict::kValid);
  EXPECT_EQ(verify("/v1/files/job/es-16x9.mp4", "1700003600", sig), LinkVerdict::kBadSignature);
  EXPECT_EQ(verify(path, "1700007200", sig), LinkVerdict::kBadSignature);  // a longer life
  EXPECT_EQ(verify(path, "01700003600", sig), LinkVerdict::kBadSignature);
  EXPECT_EQ(verify(path, "1700003600x", sig), LinkVerdict::kBadSignature);
  EXPECT_EQ(verify(path, "", sig), LinkVerdict::kBadSignature);
  std::string flipped = sig;
  flipped[0] = flipped[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(verify(path, "1700003600", flipped), LinkVerdict::kBadSignature);
  EXPECT_EQ(verify(path, "1700003600", sig.substr(1)), LinkVerdict::kBadSignature);
  EXPECT_EQ(VerifyLink("another secret, just as long, 32b", path, "1700003600", sig, kNow),
            LinkVerdict::kBadSignature);
  EXPECT_EQ(VerifyLink("", path, "1700003600", SignPath("", path, kNow + 3600), kNow),
            LinkVerdict::kBadSignature);
  // An expired link whose expiry was moved forward is tampered, not expired.
  std::string old = SignedUrl(kSecret, path, kNow - 10);
  EXPECT_EQ(VerifySignedUrl(kSecret, old, kNow), LinkVerdict::kExpired);
  std::string moved = old;
  moved.replace(moved.find("expires=") + 8, 10, std::to_string(kNow + 10));
  EXPECT_EQ(VerifySignedUrl(kSecret, moved, kNow), LinkVerdict::kBadSignature);
  // Only what was signed may be in the query.
  EXPECT_EQ(VerifySignedUrl(kSecret, url + "&download=1", kNow), LinkVerdict::kBadSignature);
  EXPECT_EQ(VerifySignedUrl(kSecret, path, kNow), LinkVerdict::kBadSignature);
  EXPECT_EQ(LinkVerdictName(LinkVerdict::kExpired), "expired");
}

}  // namespace
}  // namespace aiprod
