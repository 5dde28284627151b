#include "notify/webhook_sender.h"

#include <curl/curl.h>
#include <sys/socket.h>

#include <chrono>
#include <memory>
#include <mutex>

namespace aiprod {
namespace {

constexpr int kMaxRedirects = 3;

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
using ListPtr = std::unique_ptr<curl_slist, ListDeleter>;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// State shared with the socket callback of one transfer.
struct SocketGuard {
  const EgressPolicy* policy;
  std::string refused;  // set when the callback refused an address
};

curl_socket_t OpenSocket(void* clientp, curlsocktype purpose, curl_sockaddr* address) {
  auto* guard = static_cast<SocketGuard*>(clientp);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  AddressClass c = ClassifyAddress(&address->addr);
  if (!AddressAllowed(c, *guard->policy)) {
    guard->refused = std::string(AddressClassName(c)) + " address refused at connect";
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

struct Hop {
  bool ok = false;  // the transfer completed (any HTTP status)
  int status = 0;
  std::string error;
  std::string location;  // absolute, for 3xx
  std::string address;
  bool refused = false;  // the policy refused it
};

Hop PostOnce(const TargetUrl& target, const std::vector<std::string>& addresses,
             const HttpPost& post, const EgressPolicy& policy) {
  Hop hop;
  EasyPtr curl(curl_easy_init());
  if (!curl) {
    hop.error = "curl_easy_init failed";
    return hop;
  }
  CURL* c = curl.get();
  // Pin the name to the addresses just checked: no second lookup can differ.
  std::string pin = target.host + ":" + std::to_string(target.port) + ":";
  for (size_t i = 0; i < addresses.size(); ++i) {
    bool v6 = addresses[i].find(':') != std::string::npos;
    pin += (i ? "," : "") + (v6 ? "[" + addresses[i] + "]" : addresses[i]);
  }
  ListPtr resolve(curl_slist_append(nullptr, pin.c_str()));
  ListPtr headers;
  curl_slist* h = nullptr;
  h = curl_slist_append(h, "Content-Type: application/json");
  h = curl_slist_append(h, "Expect:");
  for (const auto& [name, value] : post.headers) {
    h = curl_slist_append(h, (name + ": " + value).c_str());
  }
  headers.reset(h);
  SocketGuard guard{&policy, {}};
  const auto timeout_ms = static_cast<long>(post.timeout_s * 1000);
  curl_easy_setopt(c, CURLOPT_URL, target.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, policy.allow_http ? "http,https" : "https");
  curl_easy_setopt(c, CURLOPT_RESOLVE, resolve.get());
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, OpenSocket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &guard);
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, post.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post.body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "aiprod-webhook/1");
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(1 << 20));
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  CURLcode rc = curl_easy_perform(c);
  char* ip = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip) hop.address = ip;
  if (!guard.refused.empty()) {
    hop.refused = true;
    hop.error = guard.refused;
    return hop;
  }
  if (rc != CURLE_OK) {
    hop.error = std::string(curl_easy_strerror(rc)) + (errbuf[0] ? std::string(": ") + errbuf : "");
    return hop;
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  hop.ok = true;
  hop.status = static_cast<int>(status);
  char* location = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location) {
    hop.location = location;
  }
  return hop;
}

}  // namespace

std::string_view PostOutcomeName(PostOutcome::Kind k) {
  switch (k) {
    case PostOutcome::Kind::kDelivered:
      return "delivered";
    case PostOutcome::Kind::kRetry:
      return "retry";
    case PostOutcome::Kind::kGiveUp:
      return "give_up";
  }
  return "retry";
}

PostOutcome PostJson(const HttpPost& post, const EgressPolicy& policy) {
  GlobalInit();
  const auto started = std::chrono::steady_clock::now();
  PostOutcome out;
  auto finish = [&](PostOutcome::Kind kind, std::string error) {
    out.kind = kind;
    out.error = std::move(error);
    out.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
    return out;
  };
  std::string url = post.url;
  for (;;) {
    out.final_url = url;
    auto target = CheckTargetUrl(url, policy);
    if (!target) return finish(PostOutcome::Kind::kGiveUp, target.error().ToString());
    auto addresses = ResolveAllowed(*target, policy);
    if (!addresses) {
      bool refused = addresses.error().code == ErrorCode::kInvalidInput;
      return finish(refused ? PostOutcome::Kind::kGiveUp : PostOutcome::Kind::kRetry,
                    addresses.error().message);
    }
    Hop hop = PostOnce(*target, *addresses, post, policy);
    out.address = hop.address;
    out.http_status = hop.status;
    if (hop.refused) return finish(PostOutcome::Kind::kGiveUp, hop.error);
    if (!hop.ok) return finish(PostOutcome::Kind::kRetry, hop.error);
    const int s = hop.status;
    if (s >= 200 && s < 300) return finish(PostOutcome::Kind::kDelivered, {});
    if ((s == 301 || s == 302 || s == 303 || s == 307 || s == 308) && !hop.location.empty()) {
      if (++out.redirects > kMaxRedirects) {
        return finish(PostOutcome::Kind::kGiveUp, "more than 3 redirects");
      }
      url = hop.location;  // checked like the first URL on the next turn
      continue;
    }
    std::string why = "HTTP " + std::to_string(s);
    if (s == 408 || s == 429 || s >= 500) return finish(PostOutcome::Kind::kRetry, why);
    return finish(PostOutcome::Kind::kGiveUp, why);
  }
}

}  // namespace aiprod
