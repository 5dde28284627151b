#include "api/auth/jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>

#include <cmath>

namespace aiprod::api {
namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
struct BldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct PctxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct MdFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct SigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

Bn ToBn(std::string_view bytes) {
  return Bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                      static_cast<int>(bytes.size()), nullptr));
}

std::shared_ptr<evp_pkey_st> FromData(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
  std::unique_ptr<EVP_PKEY_CTX, PctxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return std::shared_ptr<evp_pkey_st>(pkey, PkeyFree());
}

Result<std::string> B64Field(const Json& jwk, const char* name, size_t index) {
  std::string where = "keys[" + std::to_string(index) + "]." + name;
  if (!jwk.contains(name) || !jwk[name].is_string()) return Invalid(where, "is missing");
  auto v = Base64UrlDecode(jwk[name].get<std::string>());
  if (!v || v->empty()) return Invalid(where, "is not base64url");
  return *v;
}

Result<JwtKey> ParseJwk(const Json& jwk, size_t i) {
  std::string where = "keys[" + std::to_string(i) + "]";
  if (!jwk.is_object()) return Invalid(where, "must be an object");
  std::string kty = jwk.value("kty", "");
  std::string alg = jwk.value("alg", "");
  JwtKey key;
  key.kid = jwk.value("kid", "");
  if (key.kid.empty()) return Invalid(where + ".kid", "is required");
  if (kty == "RSA") {
    if (!alg.empty() && alg != "RS256") return Invalid(where + ".alg", "must be RS256 for RSA");
    AIPROD_ASSIGN(std::string n, B64Field(jwk, "n", i));
    AIPROD_ASSIGN(std::string e, B64Field(jwk, "e", i));
    Bn bn_n = ToBn(n), bn_e = ToBn(e);
    if (BN_num_bits(bn_n.get()) < 2048) return Invalid(where + ".n", "RSA keys need 2048 bits");
    std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get());
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get());
    key.alg = JwtAlg::kRS256;
    key.pkey = FromData("RSA", bld.get());
  } else if (kty == "EC") {
    if (!alg.empty() && alg != "ES256") return Invalid(where + ".alg", "must be ES256 for EC");
    if (jwk.value("crv", "") != "P-256") return Invalid(where + ".crv", "must be P-256");
    AIPROD_ASSIGN(std::string x, B64Field(jwk, "x", i));
    AIPROD_ASSIGN(std::string y, B64Field(jwk, "y", i));
    if (x.size() != 32 || y.size() != 32) return Invalid(where, "x and y must be 32 bytes");
    std::string point = "\x04" + x + y;
    std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                     point.size());
    key.alg = JwtAlg::kES256;
    key.pkey = FromData("EC", bld.get());
  } else {
    return Invalid(where + ".kty", "must be RSA or EC");
  }
  if (!key.pkey) return Invalid(where, "is not a valid public key");
  return key;
}

bool VerifySignature(const JwtKey& key, std::string_view data, std::string_view sig) {
  if (key.alg == JwtAlg::kHS256) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.secret.data(), static_cast<int>(key.secret.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len)) {
      return false;
    }
    return sig.size() == len && CRYPTO_memcmp(md, sig.data(), len) == 0;
  }
  std::string der;
  if (key.alg == JwtAlg::kES256) {
    if (sig.size() != 64) return false;
    std::unique_ptr<ECDSA_SIG, SigFree> es(ECDSA_SIG_new());
    Bn r = ToBn(sig.substr(0, 32)), s = ToBn(sig.substr(32));
    if (!es || !r || !s || ECDSA_SIG_set0(es.get(), r.get(), s.get()) != 1) return false;
    (void)r.release();  // owned by `es` now
    (void)s.release();
    unsigned char* out = nullptr;
    int n = i2d_ECDSA_SIG(es.get(), &out);
    if (n <= 0) return false;
    der.assign(reinterpret_cast<char*>(out), static_cast<size_t>(n));
    OPENSSL_free(out);
    sig = der;
  }
  std::unique_ptr<EVP_MD_CTX, MdFree> md(EVP_MD_CTX_new());
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key.pkey.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

std::unexpected<JwtError> Refuse(std::string reason, std::string message) {
  return std::unexpected(JwtError{std::move(reason), std::move(message)});
}

bool IsNumericDate(const Json& j) { return j.is_number() && std::isfinite(j.get<double>()); }

}  // namespace

void PkeyFree::operator()(evp_pkey_st* k) const { EVP_PKEY_free(k); }

std::string Base64UrlEncode(std::string_view data) {
  std::string out;
  out.reserve((data.size() * 4 + 2) / 3);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(data[k]); };
  for (; i + 2 < data.size(); i += 3) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (i + 1 == data.size()) {
    uint32_t v = byte(i) << 16;
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
  } else if (i + 2 == data.size()) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '-')
      v = 62;
    else if (c == '_')
      v = 63;
    else
      return std::nullopt;  // no padding, no standard alphabet, no whitespace
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero (canonical encoding).
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string_view JwtAlgName(JwtAlg a) {
  switch (a) {
    case JwtAlg::kHS256:
      return "HS256";
    case JwtAlg::kRS256:
      return "RS256";
    case JwtAlg::kES256:
      return "ES256";
  }
  return "?";
}

JwtKey Hs256Key(std::string secret) {
  JwtKey k;
  k.alg = JwtAlg::kHS256;
  k.secret = std::move(secret);
  return k;
}

Result<std::vector<JwtKey>> ParseJwks(std::string_view json) {
  AIPROD_ASSIGN(Json j, ParseJsonStrict(json, "JWKS", 16));
  if (!j.is_object() || !j.contains("keys") || !j["keys"].is_array()) {
    return Invalid("keys", "a JWKS is an object with a \"keys\" array");
  }
  std::vector<JwtKey> keys;
  for (size_t i = 0; i < j["keys"].size(); ++i) {
    const Json& jwk = j["keys"][i];
    if (jwk.is_object() && jwk.contains("use") && jwk["use"] != "sig") continue;
    AIPROD_ASSIGN(JwtKey k, ParseJwk(jwk, i));
    keys.push_back(std::move(k));
  }
  return keys;
}

std::expected<VerifiedJwt, JwtError> VerifyJwt(std::string_view token, JwtKeySource& keys,
                                               const JwtPolicy& policy, int64_t now_s) {
  if (token.size() > 16 * 1024) return Refuse("malformed_token", "token too long");
  auto d1 = token.find('.');
  auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
    return Refuse("malformed_token", "a JWT has three dot-separated parts");
  }
  auto header_text = Base64UrlDecode(token.substr(0, d1));
  auto payload_text = Base64UrlDecode(token.substr(d1 + 1, d2 - d1 - 1));
  auto sig = Base64UrlDecode(token.substr(d2 + 1));
  if (!header_text || !payload_text || !sig) return Refuse("malformed_token", "bad base64url");
  auto header = ParseJsonStrict(*header_text, "JWT header", 8);
  if (!header || !header->is_object() || !(*header).contains("alg") ||
      !(*header)["alg"].is_string()) {
    return Refuse("malformed_token", "the JWT header has no alg");
  }
  if (header->contains("crit")) return Refuse("malformed_token", "crit headers are not supported");
  std::string alg = (*header)["alg"];
  if (alg != "HS256" && alg != "RS256" && alg != "ES256") {
    return Refuse("unsupported_alg", "algorithm " + alg.substr(0, 16) + " is not accepted");
  }
  std::optional<JwtKey> key;
  if (header->contains("kid")) {
    if (!(*header)["kid"].is_string()) return Refuse("malformed_token", "kid must be a string");
    key = keys.FindKid((*header)["kid"]);
    if (!key) return Refuse("unknown_kid", "no key with this kid");
  } else {
    key = keys.Hs256();
    if (!key) return Refuse("no_key", "the token names no kid and no HS256 secret is configured");
  }
  // The key decides the algorithm; a token that claims another one is refused.
  if (JwtAlgName(key->alg) != alg) {
    return Refuse("alg_mismatch", "the token's algorithm does not match its key");
  }
  if (!VerifySignature(*key, token.substr(0, d2), *sig)) {
    return Refuse("bad_signature", "signature verification failed");
  }
  auto claims = ParseJsonStrict(*payload_text, "JWT claims", 16);
  if (!claims || !claims->is_object()) return Refuse("malformed_token", "claims are not JSON");
  const Json& c = *claims;
  int64_t leeway = policy.leeway_s;
  if (!c.contains("exp") || !IsNumericDate(c["exp"])) return Refuse("missing_claim", "exp missing");
  if (c["exp"].get<double>() + static_cast<double>(leeway) <= static_cast<double>(now_s)) {
    return Refuse("token_expired", "the token has expired");
  }
  if (c.contains("nbf")) {
    if (!IsNumericDate(c["nbf"])) return Refuse("malformed_token", "nbf is not a number");
    if (c["nbf"].get<double>() - static_cast<double>(leeway) > static_cast<double>(now_s)) {
      return Refuse("token_not_yet_valid", "the token is not valid yet");
    }
  }
  if (c.contains("iat")) {
    if (!IsNumericDate(c["iat"])) return Refuse("malformed_token", "iat is not a number");
    if (c["iat"].get<double>() - static_cast<double>(leeway) > static_cast<double>(now_s)) {
      return Refuse("token_issued_in_future", "the token was issued in the future");
    }
  }
  if (policy.max_lifetime_s > 0) {
    double start = c.contains("iat") ? c["iat"].get<double>() : static_cast<double>(now_s);
    if (c["exp"].get<double>() - start > static_cast<double>(policy.max_lifetime_s)) {
      return Refuse("token_lifetime_too_long",
                    "the token lives longer than " + std::to_string(policy.max_lifetime_s) + " s");
    }
  }
  if (!c.contains("iss") || !c["iss"].is_string() || c["iss"] != policy.issuer ||
      policy.issuer.empty()) {
    return Refuse("wrong_issuer", "the token's issuer is not accepted");
  }
  bool aud_ok = false;
  if (c.contains("aud") && !policy.audience.empty()) {
    if (c["aud"].is_string()) aud_ok = c["aud"] == policy.audience;
    if (c["aud"].is_array()) {
      for (const auto& a : c["aud"]) aud_ok = aud_ok || (a.is_string() && a == policy.audience);
    }
  }
  if (!aud_ok) return Refuse("wrong_audience", "the token is not meant for this service");
  if (!c.contains("sub") || !c["sub"].is_string() || c["sub"].get<std::string>().empty()) {
    return Refuse("missing_claim", "sub missing");
  }
  return VerifiedJwt{std::move(*header), c, c["sub"].get<std::string>()};
}

Result<std::string> SignJwt(const Json& header, const Json& claims, JwtAlg alg,
                            std::string_view hs256_secret, evp_pkey_st* private_key) {
  std::string data = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims.dump());
  std::string sig;
  if (alg == JwtAlg::kHS256) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), hs256_secret.data(), static_cast<int>(hs256_secret.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
    sig.assign(reinterpret_cast<char*>(md), len);
  } else {
    std::unique_ptr<EVP_MD_CTX, MdFree> md(EVP_MD_CTX_new());
    size_t len = 0;
    if (!private_key ||
        EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, private_key) != 1 ||
        EVP_DigestSign(md.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) != 1) {
      return Fail(ErrorCode::kInternal, "cannot sign");
    }
    std::string der(len, '\0');
    if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(der.data()), &len,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
      return Fail(ErrorCode::kInternal, "cannot sign");
    }
    der.resize(len);
    if (alg == JwtAlg::kRS256) {
      sig = std::move(der);
    } else {
      const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
      std::unique_ptr<ECDSA_SIG, SigFree> es(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
      if (!es) return Fail(ErrorCode::kInternal, "bad ECDSA signature");
      unsigned char rs[64];
      BN_bn2binpad(ECDSA_SIG_get0_r(es.get()), rs, 32);
      BN_bn2binpad(ECDSA_SIG_get0_s(es.get()), rs + 32, 32);
      sig.assign(reinterpret_cast<char*>(rs), 64);
    }
  }
  return data + "." + Base64UrlEncode(sig);
}

}  // namespace aiprod::api
