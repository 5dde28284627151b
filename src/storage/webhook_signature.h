// Webhook signatures: header `X-Aiprod-Signature: sha256=<hex>` where hex is
// HMAC-SHA256(webhook secret, raw request body). Receivers recompute it over
// the bytes they received and compare in constant time.
#pragma once

#include <string>
#include <string_view>

namespace aiprod {

inline constexpr std::string_view kWebhookSignatureHeader = "X-Aiprod-Signature";

// "sha256=<64 hex>".
std::string WebhookSignature(std::string_view secret, std::string_view body);
// True when `header` is the signature of `body` under `secret`.
bool VerifyWebhookSignature(std::string_view secret, std::string_view body,
                            std::string_view header);

}  // namespace aiprod
