// JWT keys from configuration: the HS256 secret and a JWK Set read from a
// file or fetched from a URL (libcurl; https, or file:// for tests). The set
// is cached for `cache_s`; a token naming an unknown `kid` triggers a refetch,
// at most once per `min_refresh_s` so that made-up kids cannot hammer the
// key server. Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/auth/jwt.h"
#include "core/clock.h"
#include "core/config.h"

namespace aiprod::api {

// Fetches `url` (https, http or file) with a timeout and a 1 MiB limit.
Result<std::string> FetchUrl(const std::string& url, long timeout_s = 5);

class ConfiguredKeys final : public JwtKeySource {
 public:
  ConfiguredKeys(const AuthConfig& config, const Clock& clock);
  // Loads the key set once; fails if a configured source cannot be read.
  Status Load();
  bool any() const { return hs256_.has_value() || !file_.empty() || !url_.empty(); }

  std::optional<JwtKey> FindKid(const std::string& kid) override;
  std::optional<JwtKey> Hs256() override { return hs256_; }

 private:
  Result<std::vector<JwtKey>> Fetch();

  std::optional<JwtKey> hs256_;
  std::string file_, url_;
  double cache_s_, min_refresh_s_;
  const Clock& clock_;
  std::mutex mu_;
  std::vector<JwtKey> keys_;   // guarded by mu_
  int64_t fetched_ms_ = 0;     // guarded by mu_: last successful fetch
  int64_t attempted_ms_ = -1;  // guarded by mu_: last attempt
};

}  // namespace aiprod::api
