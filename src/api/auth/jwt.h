// JSON Web Token verification (RFC 7519 / 7515), done here with OpenSSL 3
// EVP rather than a JWT library: Debian's libjwt 1.10 checks no claim and can
// be fooled by algorithm confusion. The rules:
//  - the algorithm comes from the configured key, never from the token: a
//    token whose `alg` differs from its key's is refused (so `none`, and HS256
//    "signed" with an RSA public key, never verify);
//  - `kid` selects a JWKS key; a token without `kid` can only use the HS256
//    secret;
//  - the signature is checked before any claim is believed;
//  - `exp` is required, `nbf` and `iat` are checked when present, all with a
//    small leeway; `iss` must equal the issuer and `aud` contain the audience;
//    `sub` must be a non-empty string;
//  - a token may live at most `max_lifetime_s` (exp - iat, or exp - now when
//    it has no iat): a stolen long-lived token is not good for weeks.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/json.h"

struct evp_pkey_st;

namespace aiprod::api {

std::string Base64UrlEncode(std::string_view data);
std::optional<std::string> Base64UrlDecode(std::string_view text);

enum class JwtAlg { kHS256, kRS256, kES256 };
std::string_view JwtAlgName(JwtAlg a);

struct PkeyFree {
  void operator()(evp_pkey_st* k) const;
};

// A verification key. Immutable once built; shared between threads.
struct JwtKey {
  std::string kid;  // empty for the configured HS256 secret
  JwtAlg alg = JwtAlg::kHS256;
  std::string secret;                 // HS256
  std::shared_ptr<evp_pkey_st> pkey;  // RS256 / ES256 public key
};

JwtKey Hs256Key(std::string secret);

// Parses a JWK Set. RSA keys (kty RSA, n, e; modulus >= 2048 bits) verify
// RS256; EC keys on P-256 (kty EC, crv P-256, x, y) verify ES256. Keys meant
// for encryption (`use` other than "sig") are skipped; a key whose `alg`
// contradicts its type is refused.
Result<std::vector<JwtKey>> ParseJwks(std::string_view json);

// Where verification finds keys. `Find` may refresh a remote key set.
class JwtKeySource {
 public:
  virtual ~JwtKeySource() = default;
  virtual std::optional<JwtKey> FindKid(const std::string& kid) = 0;
  virtual std::optional<JwtKey> Hs256() = 0;
};

struct JwtPolicy {
  std::string issuer;
  std::string audience;
  int64_t leeway_s = 60;
  int64_t max_lifetime_s = 0;  // 0: no bound
};

// Why a token was refused. `reason` is stable and goes to the audit log:
// malformed_token, unsupported_alg, alg_mismatch, unknown_kid, no_key,
// bad_signature, token_expired, token_not_yet_valid, token_issued_in_future,
// token_lifetime_too_long, wrong_issuer, wrong_audience, missing_claim.
struct JwtError {
  std::string reason;
  std::string message;
};

struct VerifiedJwt {
  Json header;
  Json claims;
  std::string subject;
};

std::expected<VerifiedJwt, JwtError> VerifyJwt(std::string_view token, JwtKeySource& keys,
                                               const JwtPolicy& policy, int64_t now_s);

// Signs a token (tests and tools). ES256 signatures are raw r||s as JWS wants.
Result<std::string> SignJwt(const Json& header, const Json& claims, JwtAlg alg,
                            std::string_view hs256_secret, evp_pkey_st* private_key);

}  // namespace aiprod::api
