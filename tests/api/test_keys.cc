#include "test_keys.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "api/auth/jwt.h"

namespace aiprod::testing {
namespace {

std::string Bn(const EVP_PKEY* k, const char* name) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(k, name, &bn);
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

std::string Pem(EVP_PKEY* k) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, k);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

KeyPair Wrap(EVP_PKEY* k, const std::string& kid) {
  KeyPair p;
  p.key = std::shared_ptr<EVP_PKEY>(k, EVP_PKEY_free);
  p.kid = kid;
  p.public_pem = Pem(k);
  return p;
}

}  // namespace

KeyPair NewRsaKey(const std::string& kid) {
  KeyPair p = Wrap(EVP_RSA_gen(2048), kid);
  p.jwk = {{"kty", "RSA"},
           {"kid", kid},
           {"use", "sig"},
           {"alg", "RS256"},
           {"n", api::Base64UrlEncode(Bn(p.key.get(), OSSL_PKEY_PARAM_RSA_N))},
           {"e", api::Base64UrlEncode(Bn(p.key.get(), OSSL_PKEY_PARAM_RSA_E))}};
  return p;
}

const KeyPair& RsaKey() {
  static const KeyPair k = NewRsaKey("rsa-1");
  return k;
}

const KeyPair& ImpostorRsaKey() {
  static const KeyPair k = NewRsaKey("rsa-1");
  return k;
}

const KeyPair& EcKey() {
  static const KeyPair k = [] {
    KeyPair p = Wrap(EVP_EC_gen("P-256"), "ec-1");
    unsigned char pub[65];
    size_t len = 0;
    EVP_PKEY_get_octet_string_param(p.key.get(), OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &len);
    std::string point(reinterpret_cast<char*>(pub), len);
    p.jwk = {{"kty", "EC"},
             {"kid", "ec-1"},
             {"crv", "P-256"},
             {"x", api::Base64UrlEncode(point.substr(1, 32))},
             {"y", api::Base64UrlEncode(point.substr(33, 32))}};
    return p;
  }();
  return k;
}

Json Jwks(std::initializer_list<const KeyPair*> keys) {
  Json arr = Json::array();
  for (const auto* k : keys) arr.push_back(k->jwk);
  return {{"keys", arr}};
}

}  // namespace aiprod::testing
