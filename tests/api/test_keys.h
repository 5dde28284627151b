// Keys made at test time with OpenSSL (none live in the repository): an RSA
// 2048 and an EC P-256 key pair, their JWKS, and token signing helpers.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>

#include "core/json.h"

namespace aiprod::testing {

struct KeyPair {
  std::shared_ptr<EVP_PKEY> key;
  std::string kid;
  Json jwk;                // public JWK
  std::string public_pem;  // SubjectPublicKeyInfo PEM
};

// Generated once per process (RSA generation takes a moment).
const KeyPair& RsaKey();
const KeyPair& EcKey();
// A second RSA key that claims the first one's kid (for bad signatures).
const KeyPair& ImpostorRsaKey();
KeyPair NewRsaKey(const std::string& kid);

Json Jwks(std::initializer_list<const KeyPair*> keys);

}  // namespace aiprod::testing
