// Turns a request's credentials into a Principal: an API key (X-API-Key, or
// `Authorization: Bearer aiprod_...`) or a JWT bearer token. Every failure has
// a stable reason for the audit log. Thread-safe.
//
// API keys are looked up on every request (so revocation is immediate); their
// last use is remembered in memory and written by FlushKeyUse (the server
// calls it every second), so reads never wait for a disk write.
#pragma once

#include <expected>
#include <mutex>
#include <string>
#include <unordered_map>

#include "api/auth/jwks.h"
#include "api/auth/principal.h"
#include "api/http.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/thread_annotations.h"
#include "store/api_keys.h"

namespace aiprod::api {

struct AuthFailure {
  std::string reason;   // missing_credentials, unknown_api_key, or a JwtError reason
  std::string message;  // safe to show to the client
};

class Authenticator {
 public:
  Authenticator(const AuthConfig& config, ApiKeyRepository& keys, const Clock& clock);

  // Loads JWT keys; fails if a configured JWKS cannot be read.
  Status Init();
  std::expected<Principal, AuthFailure> Authenticate(const HttpRequest& req);
  // The principal of the API key with this id if it is still active (an open
  // event stream and a stream token re-check their key with it).
  std::expected<Principal, AuthFailure> ActiveKey(const std::string& key_id);
  Status FlushKeyUse();

 private:
  std::expected<Principal, AuthFailure> FromJwt(std::string_view token);
  std::expected<Principal, AuthFailure> FromKey(const Result<ApiKeyRecord>& key);

  const AuthConfig& config_;
  ApiKeyRepository& keys_;
  const Clock& clock_;
  ConfiguredKeys jwt_keys_;
  JwtPolicy policy_;
  Mutex mu_;
  std::unordered_map<std::string, int64_t> pending_use_ GUARDED_BY(mu_);
};

}  // namespace aiprod::api
