#include "artifacts/signed_url.h"

#include <openssl/crypto.h>

#include <charconv>

#include "core/hash.h"

namespace aiprod {

std::string SignPath(std::string_view secret, std::string_view path, int64_t expires_s) {
  return HmacSha256Hex(secret, std::string(path) + "\n" + std::to_string(expires_s));
}

std::string SignedUrl(std::string_view secret, std::string_view path, int64_t expires_s) {
  return std::string(path) + "?expires=" + std::to_string(expires_s) +
         "&sig=" + SignPath(secret, path, expires_s);
}

std::string_view LinkVerdictName(LinkVerdict v) {
  switch (v) {
    case LinkVerdict::kValid:
      return "valid";
    case LinkVerdict::kExpired:
      return "expired";
    case LinkVerdict::kBadSignature:
      return "bad_signature";
  }
  return "bad_signature";
}

LinkVerdict VerifyLink(std::string_view secret, std::string_view path, std::string_view expires,
                       std::string_view sig, int64_t now_s) {
  if (secret.empty() || expires.empty() || sig.empty()) return LinkVerdict::kBadSignature;
  int64_t e = 0;
  auto [ptr, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), e);
  if (ec != std::errc() || ptr != expires.data() + expires.size()) {
    return LinkVerdict::kBadSignature;
  }
  // Only the canonical spelling was signed: "007" or "+7" must not pass.
  if (std::to_string(e) != expires) return LinkVerdict::kBadSignature;
  const std::string want = SignPath(secret, path, e);
  if (sig.size() != want.size() || CRYPTO_memcmp(sig.data(), want.data(), want.size()) != 0) {
    return LinkVerdict::kBadSignature;
  }
  return e < now_s ? LinkVerdict::kExpired : LinkVerdict::kValid;
}

LinkVerdict VerifySignedUrl(std::string_view secret, std::string_view url, int64_t now_s) {
  size_t q = url.find('?');
  if (q == std::string_view::npos) return LinkVerdict::kBadSignature;
  std::string_view path = url.substr(0, q), query = url.substr(q + 1);
  std::string_view expires, sig;
  int seen_expires = 0, seen_sig = 0;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.starts_with("expires=")) {
      expires = pair.substr(8);
      ++seen_expires;
    } else if (pair.starts_with("sig=")) {
      sig = pair.substr(4);
      ++seen_sig;
    } else {
      return LinkVerdict::kBadSignature;  // nothing else was signed
    }
  }
  if (seen_expires != 1 || seen_sig != 1) return LinkVerdict::kBadSignature;
  return VerifyLink(secret, path, expires, sig, now_s);
}

}  // namespace aiprod
