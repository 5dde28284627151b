#include "notify/webhook_signature.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <vector>

#include "core/hash.h"

namespace aiprod {
namespace {

std::string SignedPayload(std::string_view body, std::string_view t) {
  std::string payload;
  payload.reserve(t.size() + 1 + body.size());
  payload.append(t).append(".").append(body);
  return payload;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && s.size() <= 18 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string WebhookSignature(std::string_view secret, std::string_view body, int64_t unix_s) {
  const std::string t = std::to_string(unix_s);
  return "t=" + t + ",v1=" + HmacSha256Hex(secret, SignedPayload(body, t));
}

std::string_view WebhookVerdictName(WebhookVerdict v) {
  switch (v) {
    case WebhookVerdict::kValid:
      return "valid";
    case WebhookVerdict::kMalformed:
      return "malformed";
    case WebhookVerdict::kBadSignature:
      return "bad_signature";
    case WebhookVerdict::kStale:
      return "stale";
  }
  return "malformed";
}

WebhookVerdict VerifyWebhookSignature(std::string_view secret, std::string_view body,
                                      std::string_view header, int64_t now_s, int64_t tolerance_s) {
  std::string_view t;
  std::vector<std::string_view> v1;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) return WebhookVerdict::kMalformed;
    std::string_view key = part.substr(0, eq), value = part.substr(eq + 1);
    if (key == "t") {
      if (!t.empty() || !AllDigits(value)) return WebhookVerdict::kMalformed;
      t = value;
    } else if (key == "v1") {
      v1.push_back(value);
    }  // other schemes (v0, ...) are not ours: ignored, as Stripe's receivers do
  }
  if (t.empty() || v1.empty()) return WebhookVerdict::kMalformed;
  const std::string want = HmacSha256Hex(secret, SignedPayload(body, t));
  bool match = false;
  for (std::string_view got : v1) {
    match = match ||
            (got.size() == want.size() && CRYPTO_memcmp(got.data(), want.data(), want.size()) == 0);
  }
  if (!match) return WebhookVerdict::kBadSignature;
  const int64_t signed_at = std::stoll(std::string(t));
  const int64_t age = now_s - signed_at;
  if (age > tolerance_s || -age > tolerance_s) return WebhookVerdict::kStale;
  return WebhookVerdict::kValid;
}

}  // namespace aiprod
