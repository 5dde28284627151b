// JWT verification: no input verifies without the key, nothing crashes. The
// fuzzer's tokens are checked against an HS256 key and an empty JWKS.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/auth/jwt.h"

namespace {

class Keys final : public aiprod::api::JwtKeySource {
 public:
  std::optional<aiprod::api::JwtKey> FindKid(const std::string&) override { return std::nullopt; }
  std::optional<aiprod::api::JwtKey> Hs256() override {
    return aiprod::api::Hs256Key("fuzzing-secret-fuzzing-secret-0123456789");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view token(reinterpret_cast<const char*>(data), size);
  Keys keys;
  aiprod::api::JwtPolicy policy{"iss", "aud", 60};
  auto v = aiprod::api::VerifyJwt(token, keys, policy, 1'700'000'000);
  // Forging an HMAC is not something a fuzzer should manage.
  if (v) std::abort();
  (void)aiprod::api::Base64UrlDecode(token);
  return 0;
}
