// JWT keys from configuration: the HS256 secret and a JWK Set read from a
// file or fetched from a URL (libcurl; https, or file:// for tests). The set
// is cached for `cache_s`; a token naming an unknown `kid` triggers a refetch,
// at most once per `min_refresh_s` so that made-up kids cannot hammer the
// key server. Refetches run on a thread of their own, one at a time, and the
// lock is never held over the fetch: a request never waits for the key
// server (an unknown kid is refused at once, a stale set keeps verifying
// until the new one is in). Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/auth/jwt.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/thread_annotations.h"

namespace aiprod::api {

// Fetches `url` (https, http or file) with a timeout and a 1 MiB limit;
// gives up early (within about a second) once `*cancel` is true.
Result<std::string> FetchUrl(const std::string& url, long timeout_s = 5,
                             const std::atomic<bool>* cancel = nullptr);

class ConfiguredKeys final : public JwtKeySource {
 public:
  ConfiguredKeys(const AuthConfig& config, const Clock& clock);
  ~ConfiguredKeys() override;  // cancels a refresh under way and joins its thread
  ConfiguredKeys(const ConfiguredKeys&) = delete;
  ConfiguredKeys& operator=(const ConfiguredKeys&) = delete;
  // Loads the key set once; fails if a configured source cannot be read.
  Status Load();
  bool any() const { return hs256_.has_value() || !file_.empty() || !url_.empty(); }

  std::optional<JwtKey> FindKid(const std::string& kid) override;
  std::optional<JwtKey> Hs256() override { return hs256_; }

 private:
  Result<std::vector<JwtKey>> Fetch();
  // Under mu_: asks the refresh thread (started on first use) for a refetch.
  void RequestRefreshLocked(int64_t now) REQUIRES(mu_);
  void RefreshLoop();

  std::optional<JwtKey> hs256_;
  std::string file_, url_;
  double cache_s_, min_refresh_s_;
  const Clock& clock_;
  Mutex mu_;
  std::vector<JwtKey> keys_ GUARDED_BY(mu_);
  int64_t fetched_ms_ GUARDED_BY(mu_) = 0;     // last successful fetch
  int64_t attempted_ms_ GUARDED_BY(mu_) = -1;  // last attempt
  bool refresh_wanted_ GUARDED_BY(mu_) = false;
  bool refreshing_ GUARDED_BY(mu_) = false;  // a fetch is under way
  bool stopping_ GUARDED_BY(mu_) = false;
  std::condition_variable wake_;
  std::atomic<bool> cancel_{false};
  std::thread refresher_;  // started by the first refresh
};

}  // namespace aiprod::api
