#include "storage/webhook_signature.h"

#include <openssl/crypto.h>

#include "core/hash.h"

namespace aiprod {

std::string WebhookSignature(std::string_view secret, std::string_view body) {
  return "sha256=" + HmacSha256Hex(secret, body);
}

bool VerifyWebhookSignature(std::string_view secret, std::string_view body,
                            std::string_view header) {
  const std::string want = WebhookSignature(secret, body);
  return header.size() == want.size() &&
         CRYPTO_memcmp(header.data(), want.data(), want.size()) == 0;
}

}  // namespace aiprod
