#include "api/auth/jwks.h"

#include <curl/curl.h>

#include <mutex>

#include "core/files.h"

namespace aiprod::api {
namespace {

size_t Collect(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() + size * n > (1u << 20)) return 0;  // too large: abort the transfer
  out->append(data, size * n);
  return size * n;
}

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

int Progress(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;  // nonzero aborts
}

}  // namespace

Result<std::string> FetchUrl(const std::string& url, long timeout_s,
                             const std::atomic<bool>* cancel) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) return Fail(ErrorCode::kInternal, "libcurl init failed");
  std::string body;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "https,http,file");
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, timeout_s);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  if (cancel) {
    curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, Progress);
    curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(cancel));
  }
  CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    return Fail(ErrorCode::kUnavailable, "cannot fetch " + url + ": " + curl_easy_strerror(rc));
  }
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (!url.starts_with("file:") && status != 200) {
    return Fail(ErrorCode::kUnavailable,
                "fetching " + url + " gave HTTP " + std::to_string(status));
  }
  return body;
}

ConfiguredKeys::ConfiguredKeys(const AuthConfig& config, const Clock& clock)
    : file_(config.jwks_file),
      url_(config.jwks_url),
      cache_s_(config.jwks_cache_s),
      min_refresh_s_(config.jwks_min_refresh_s),
      clock_(clock) {
  if (!config.jwt_hs256_secret.empty()) hs256_ = Hs256Key(config.jwt_hs256_secret);
}

ConfiguredKeys::~ConfiguredKeys() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  cancel_ = true;
  wake_.notify_all();
  if (refresher_.joinable()) refresher_.join();
}

Result<std::vector<JwtKey>> ConfiguredKeys::Fetch() {
  std::vector<JwtKey> all;
  if (!file_.empty()) {
    AIPROD_ASSIGN(std::string text, ReadFile(file_, 1 << 20));
    AIPROD_ASSIGN(all, ParseJwks(text));
  }
  if (!url_.empty()) {
    AIPROD_ASSIGN(std::string text, FetchUrl(url_, 5, &cancel_));
    AIPROD_ASSIGN(auto keys, ParseJwks(text));
    for (auto& k : keys) all.push_back(std::move(k));
  }
  return all;
}

Status ConfiguredKeys::Load() {
  if (file_.empty() && url_.empty()) return {};
  AIPROD_ASSIGN(auto keys, Fetch());
  MutexLock lock(mu_);
  keys_ = std::move(keys);
  fetched_ms_ = attempted_ms_ = clock_.NowMs();
  return {};
}

std::optional<JwtKey> ConfiguredKeys::FindKid(const std::string& kid) {
  if (file_.empty() && url_.empty()) return std::nullopt;
  MutexLock lock(mu_);
  int64_t now = clock_.NowMs();
  auto find = [&]() REQUIRES(mu_) -> std::optional<JwtKey> {
    for (const auto& k : keys_) {
      if (k.kid == kid) return k;
    }
    return std::nullopt;
  };
  bool stale = now - fetched_ms_ > static_cast<int64_t>(cache_s_ * 1000);
  auto k = find();
  // Unknown kid (a rotated key?) or a stale cache: refetch in the background,
  // but not too often. Meanwhile the keys at hand answer.
  if (!k || stale) RequestRefreshLocked(now);
  return k;
}

void ConfiguredKeys::RequestRefreshLocked(int64_t now) {
  if (stopping_ || refresh_wanted_ || refreshing_) return;  // one fetch at a time
  if (attempted_ms_ >= 0 && now - attempted_ms_ < static_cast<int64_t>(min_refresh_s_ * 1000)) {
    return;
  }
  attempted_ms_ = now;
  refresh_wanted_ = true;
  if (!refresher_.joinable()) refresher_ = std::thread([this] { RefreshLoop(); });
  wake_.notify_one();
}

void ConfiguredKeys::RefreshLoop() {
  MutexLock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this]() REQUIRES(mu_) { return stopping_ || refresh_wanted_; });
    if (stopping_) return;
    refresh_wanted_ = false;
    refreshing_ = true;
    lock.unlock();
    auto keys = Fetch();  // file_ and url_ never change: no lock needed
    lock.lock();
    refreshing_ = false;
    if (keys) {
      keys_ = std::move(*keys);
      fetched_ms_ = clock_.NowMs();
    }
  }
}

}  // namespace aiprod::api
