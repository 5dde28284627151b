#include "core/secrets.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace aiprod {
namespace {

constexpr std::array<std::string_view, 12> kDefaults = {
    "password", "changeme", "change-me", "secret",  "postgres", "admin",
    "aiprod",   "root",     "123456",    "default", "example",  "test"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Status CheckPrivateFile(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return Fail(ErrorCode::kNotFound, "no such file: " + path);
  if (!S_ISREG(st.st_mode)) return Invalid("secrets_file", path + " is not a regular file");
  if ((st.st_mode & 077) != 0) {
    return Invalid("secrets_file",
                   path + " is readable or writable by group or others; chmod 600 it");
  }
  return {};
}

std::string WeakSecretReason(std::string_view secret, size_t min_bytes) {
  if (secret.empty()) return "not set";
  if (secret.size() < min_bytes) return "shorter than " + std::to_string(min_bytes) + " bytes";
  if (std::all_of(secret.begin(), secret.end(), [&](char c) { return c == secret[0]; })) {
    return "a single repeated character";
  }
  std::string lower = Lower(secret);
  for (auto d : kDefaults) {
    // "changemechangemechangeme..." is as guessable as "changeme".
    bool repeated = true;
    for (size_t i = 0; i < lower.size() && repeated; ++i) repeated = lower[i] == d[i % d.size()];
    if (repeated) return "a well-known default";
  }
  if (lower.find("example") != std::string::npos || lower.find("changeme") != std::string::npos) {
    return "a placeholder value";
  }
  return {};
}

bool HasDefaultPassword(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return false;
  auto at = url.find('@', scheme + 3);
  if (at == std::string_view::npos) return false;
  auto userinfo = url.substr(scheme + 3, at - scheme - 3);
  auto colon = userinfo.find(':');
  if (colon == std::string_view::npos) return false;
  std::string password = Lower(userinfo.substr(colon + 1));
  if (password.empty()) return true;
  return std::find(kDefaults.begin(), kDefaults.end(), password) != kDefaults.end();
}

std::vector<std::string> ProductionProblems(const Config& c) {
  std::vector<std::string> out;
  if (c.auth.mode != "required") out.push_back("auth.mode must be \"required\" in production");
  if (auto why = WeakSecretReason(c.signing_secret); !why.empty()) {
    out.push_back("signing_secret is " + why);
  }
  // Without it, anyone with database access could rewrite the audit chain.
  if (auto why = WeakSecretReason(c.audit_key); !why.empty()) {
    out.push_back("audit_key is " + why);
  }
  if (!c.auth.jwt_hs256_secret.empty()) {
    if (auto why = WeakSecretReason(c.auth.jwt_hs256_secret); !why.empty()) {
      out.push_back("auth.jwt_hs256_secret is " + why);
    }
  }
  bool jwt =
      !c.auth.jwt_hs256_secret.empty() || !c.auth.jwks_file.empty() || !c.auth.jwks_url.empty();
  if (jwt && (c.auth.issuer.empty() || c.auth.audience.empty())) {
    out.push_back("auth.issuer and auth.audience must be set when JWTs are accepted");
  }
  if (!c.auth.jwks_url.empty() && !c.auth.jwks_url.starts_with("https://")) {
    out.push_back("auth.jwks_url must use https in production");
  }
  // Webhooks get their own secret in production (no fallback to
  // signing_secret, which also signs artifact links), and go to public
  // https addresses only.
  if (auto why = WeakSecretReason(c.webhook_secret); !why.empty()) {
    out.push_back("webhook_secret is " + why);
  }
  for (auto [key, on] : {std::pair{"webhook.allow_http", c.webhook.allow_http},
                         std::pair{"webhook.allow_loopback", c.webhook.allow_loopback},
                         std::pair{"webhook.allow_private", c.webhook.allow_private}}) {
    if (on != 0) out.push_back(std::string(key) + " must be 0 in production");
  }
  if (HasDefaultPassword(c.database)) out.push_back("database uses a default password");
  return out;
}

}  // namespace aiprod
