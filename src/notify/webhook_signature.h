// Webhook signatures, Stripe's scheme (also Standard Webhooks'): header
// `X-Aiprod-Signature: t=<unix seconds>,v1=<hex>` where hex is
// HMAC-SHA256(webhook secret, "<t>.<raw body>"). The time is signed with the
// body, so a captured request cannot be replayed once it is older than the
// receiver's tolerance; within it, receivers drop repeats by the
// X-Aiprod-Delivery id. Each attempt is signed when it is sent.
//
// Receivers: VerifyWebhookSignature below, or by hand: split the header on
// ',', take t and every v1, compute the HMAC over t "." body, compare in
// constant time, and refuse a t further than the tolerance from now.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace aiprod {

inline constexpr std::string_view kWebhookSignatureHeader = "X-Aiprod-Signature";
// How far a signature's time may be from the receiver's clock, by default.
inline constexpr int64_t kWebhookToleranceS = 300;

// "t=<unix_s>,v1=<64 hex>".
std::string WebhookSignature(std::string_view secret, std::string_view body, int64_t unix_s);

enum class WebhookVerdict {
  kValid,
  kMalformed,     // not t=<digits>,v1=<hex>[,v1=...]
  kBadSignature,  // no v1 matches the body and time under the secret
  kStale,         // signed more than the tolerance before (or after) now: a replay
};
std::string_view WebhookVerdictName(WebhookVerdict v);  // "valid", "malformed", ...

// Checks `header` against `body` under `secret` at `now_s` (unix seconds):
// the signature first, then the time (|now - t| <= tolerance_s). Several v1
// entries are accepted (a sender rotating its secret sends one per secret).
WebhookVerdict VerifyWebhookSignature(std::string_view secret, std::string_view body,
                                      std::string_view header, int64_t now_s,
                                      int64_t tolerance_s = kWebhookToleranceS);

}  // namespace aiprod
