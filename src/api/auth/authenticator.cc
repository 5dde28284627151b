#include "api/auth/authenticator.h"

namespace aiprod::api {

Authenticator::Authenticator(const AuthConfig& config, ApiKeyRepository& keys, const Clock& clock)
    : config_(config), keys_(keys), clock_(clock), jwt_keys_(config, clock) {
  policy_.issuer = config.issuer;
  policy_.audience = config.audience;
  policy_.leeway_s = static_cast<int64_t>(config.leeway_s);
  policy_.max_lifetime_s = static_cast<int64_t>(config.max_token_lifetime_s);
}

Status Authenticator::Init() {
  if (jwt_keys_.any() && (config_.issuer.empty() || config_.audience.empty())) {
    return Invalid("auth.issuer", "auth.issuer and auth.audience are required to accept JWTs");
  }
  return jwt_keys_.Load();
}

std::expected<Principal, AuthFailure> Authenticator::Authenticate(const HttpRequest& req) {
  if (config_.mode == "off") return Principal{"anonymous", Role::kAdmin, {"*"}, {}};
  std::string_view credential;
  if (const std::string* k = req.Find("x-api-key")) {
    credential = *k;
  } else if (const std::string* a = req.Find("authorization")) {
    std::string_view v = *a;
    if (v.size() > 7 && (v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer ")) {
      credential = v.substr(7);
    } else {
      return std::unexpected(AuthFailure{"malformed_credentials", "use Authorization: Bearer"});
    }
  }
  while (!credential.empty() && credential.front() == ' ') credential.remove_prefix(1);
  if (credential.empty()) {
    return std::unexpected(AuthFailure{"missing_credentials", "authentication required"});
  }
  if (credential.starts_with("aiprod_")) {
    auto principal = FromKey(keys_.FindActive(credential));
    if (principal) {
      MutexLock lock(mu_);
      pending_use_[principal->key_id] = clock_.NowMs();
    }
    return principal;
  }
  return FromJwt(credential);
}

std::expected<Principal, AuthFailure> Authenticator::ActiveKey(const std::string& key_id) {
  auto key = keys_.Get(key_id);
  if (key && key->revoked_ms) return FromKey(Fail(ErrorCode::kNotFound, "revoked"));
  return FromKey(key);
}

std::expected<Principal, AuthFailure> Authenticator::FromKey(const Result<ApiKeyRecord>& key) {
  if (!key) {
    if (key.error().code == ErrorCode::kNotFound) {
      return std::unexpected(AuthFailure{"unknown_api_key", "unknown or revoked API key"});
    }
    return std::unexpected(AuthFailure{"auth_unavailable", "cannot check the key right now"});
  }
  auto role = ParseRole(key->role);
  if (!role) return std::unexpected(AuthFailure{"bad_key_role", "the key has no valid role"});
  return Principal{"key:" + key->id, *role, key->brands, key->id};
}

std::expected<Principal, AuthFailure> Authenticator::FromJwt(std::string_view token) {
  if (!jwt_keys_.any()) {
    return std::unexpected(AuthFailure{"jwt_not_configured", "bearer tokens are not accepted"});
  }
  auto v = VerifyJwt(token, jwt_keys_, policy_, clock_.NowMs() / 1000);
  if (!v) return std::unexpected(AuthFailure{v.error().reason, v.error().message});
  const Json& c = v->claims;
  Role role = Role::kViewer;
  if (c.contains(config_.role_claim)) {
    const Json& r = c[config_.role_claim];
    auto parsed = r.is_string() ? ParseRole(r.get<std::string>()) : std::nullopt;
    if (!parsed) return std::unexpected(AuthFailure{"bad_role_claim", "unknown role"});
    role = *parsed;
  }
  std::vector<std::string> brands;
  if (c.contains(config_.brands_claim)) {
    const Json& b = c[config_.brands_claim];
    if (b.is_string()) brands.push_back(b);
    if (b.is_array()) {
      for (const auto& x : b) {
        if (x.is_string()) brands.push_back(x);
      }
    }
    for (const auto& id : brands) {
      if (!ValidBrandId(id, true)) {
        return std::unexpected(AuthFailure{"bad_brands_claim", "invalid brand in token"});
      }
    }
  }
  // No claim, no brand: every brand must be granted explicitly ("*"), so an
  // identity provider that leaves the claim out makes no admin of every brand.
  Principal p{"jwt:" + v->subject, role, std::move(brands), {}};
  // exp was checked to be a number; a stream opened with the token ends there.
  p.expires_at_s = static_cast<int64_t>(c["exp"].get<double>());
  return p;
}

Status Authenticator::FlushKeyUse() {
  std::vector<std::pair<std::string, int64_t>> uses;
  {
    MutexLock lock(mu_);
    if (pending_use_.empty()) return {};
    uses.assign(pending_use_.begin(), pending_use_.end());
    pending_use_.clear();
  }
  return keys_.RecordUse(uses);
}

}  // namespace aiprod::api
