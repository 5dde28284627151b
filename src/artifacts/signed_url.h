// Signed, expiring links to artifacts: HMAC-SHA256(secret, path "\n" expires)
// in lower-case hex, `expires` in Unix seconds, sent as
// "path?expires=E&sig=S". Whoever holds the link may fetch the path until it
// expires; a changed path, expiry or signature is refused. Canonical home of
// the scheme (the API's /v1/files route uses the same wire format).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace aiprod {

std::string SignPath(std::string_view secret, std::string_view path, int64_t expires_s);
// "path?expires=E&sig=S" (`path` must not already carry a query).
std::string SignedUrl(std::string_view secret, std::string_view path, int64_t expires_s);

enum class LinkVerdict { kValid, kExpired, kBadSignature };
std::string_view LinkVerdictName(LinkVerdict v);  // "valid", "expired", "bad_signature"

// Constant-time comparison. The signature is checked before the expiry, so a
// tampered expiry reads as a bad signature; a link is valid through its
// `expires` second. An empty secret signs nothing: always kBadSignature.
LinkVerdict VerifyLink(std::string_view secret, std::string_view path, std::string_view expires,
                       std::string_view sig, int64_t now_s);
// The same for a whole "path?expires=E&sig=S" as SignedUrl produced it.
LinkVerdict VerifySignedUrl(std::string_view secret, std::string_view url, int64_t now_s);

}  // namespace aiprod
