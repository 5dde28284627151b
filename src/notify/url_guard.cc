#include "notify/url_guard.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

namespace aiprod {
namespace {

AddressClass ClassifyV4(uint32_t a) {  // host byte order
  auto in = [&](uint32_t net, int bits) {
    uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
    return (a & mask) == net;
  };
  if (in(0x00000000, 8)) return AddressClass::kUnspecified;
  if (in(0x7F000000, 8)) return AddressClass::kLoopback;
  if (in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16) || in(0x64400000, 10) ||
      in(0xC6120000, 15)) {
    return AddressClass::kPrivate;
  }
  if (in(0xA9FE0000, 16)) return AddressClass::kLinkLocal;
  if (in(0xE0000000, 4)) return AddressClass::kMulticast;
  if (in(0xF0000000, 4) || in(0xC0000000, 24) || in(0xC0000200, 24) || in(0xC6336400, 24) ||
      in(0xCB007100, 24)) {
    return AddressClass::kReserved;
  }
  return AddressClass::kPublic;
}

AddressClass ClassifyV6(const in6_addr& addr) {
  const uint8_t* b = addr.s6_addr;
  auto v4_at = [&](int offset) {
    return (uint32_t{b[offset]} << 24) | (uint32_t{b[offset + 1]} << 16) |
           (uint32_t{b[offset + 2]} << 8) | b[offset + 3];
  };
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  static constexpr uint8_t kSiit[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0};
  static constexpr uint8_t kNat64[12] = {0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
  // ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (SIIT, RFC 7915) and
  // 64:ff9b::a.b.c.d (NAT64, RFC 6052) reach the IPv4 address inside.
  if (std::memcmp(b, kMapped, 12) == 0 || std::memcmp(b, kSiit, 12) == 0 ||
      std::memcmp(b, kNat64, 12) == 0) {
    return ClassifyV4(v4_at(12));
  }
  // 64:ff9b:1::/48: NAT64 for local use (RFC 8215), translated to addresses
  // of the operator's choosing.
  if (b[0] == 0 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4] == 0 && b[5] == 1) {
    return AddressClass::kPrivate;
  }
  if (b[0] == 0x20 && b[1] == 0x02) return ClassifyV4(v4_at(2));  // 2002::/16 6to4 (RFC 3056)
  bool zero12 = true;
  for (int i = 0; i < 12; ++i) zero12 = zero12 && b[i] == 0;
  if (zero12) {
    uint32_t tail = v4_at(12);
    if (tail == 0) return AddressClass::kUnspecified;
    if (tail == 1) return AddressClass::kLoopback;
    return AddressClass::kReserved;  // IPv4-compatible (deprecated)
  }
  if (b[0] == 0xFF) return AddressClass::kMulticast;
  if ((b[0] & 0xFE) == 0xFC) return AddressClass::kPrivate;                    // fc00::/7 ULA
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return AddressClass::kLinkLocal;  // fe80::/10
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return AddressClass::kPrivate;    // fec0::/10
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return AddressClass::kReserved;
  if (b[0] == 0x01 && b[1] == 0x00 && b[2] == 0 && b[3] == 0 && b[4] == 0 && b[5] == 0 &&
      b[6] == 0 && b[7] == 0) {
    return AddressClass::kReserved;  // 100::/64 discard
  }
  return AddressClass::kPublic;
}

std::string NumericHost(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

struct CurlUrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlStr {
  char* s = nullptr;
  ~CurlStr() { curl_free(s); }
};

}  // namespace

std::string_view AddressClassName(AddressClass c) {
  switch (c) {
    case AddressClass::kPublic:
      return "public";
    case AddressClass::kLoopback:
      return "loopback";
    case AddressClass::kPrivate:
      return "private";
    case AddressClass::kLinkLocal:
      return "link-local";
    case AddressClass::kUnspecified:
      return "unspecified";
    case AddressClass::kMulticast:
      return "multicast";
    case AddressClass::kReserved:
      return "reserved";
  }
  return "reserved";
}

AddressClass ClassifyAddress(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) {
    return ClassifyV4(ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr));
  }
  if (sa->sa_family == AF_INET6) {
    return ClassifyV6(reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr);
  }
  return AddressClass::kReserved;
}

Result<AddressClass> ClassifyAddress(std::string_view numeric) {
  std::string s(numeric);
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) return ClassifyV4(ntohl(v4.s_addr));
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) return ClassifyV6(v6);
  return Invalid("address", "not a numeric IP address: " + s);
}

bool AddressAllowed(AddressClass c, const EgressPolicy& p) {
  switch (c) {
    case AddressClass::kPublic:
      return true;
    case AddressClass::kLoopback:
      return p.allow_loopback;
    case AddressClass::kPrivate:
    case AddressClass::kLinkLocal:
      return p.allow_private;
    default:
      return false;
  }
}

Result<TargetUrl> ParseTargetUrl(std::string_view url, const EgressPolicy& policy) {
  if (url.size() > 2048) return Invalid("webhook_url", "is longer than 2048 characters");
  std::unique_ptr<CURLU, CurlUrlDeleter> u(curl_url());
  if (!u) return Fail(ErrorCode::kInternal, "out of memory");
  std::string text(url);
  if (curl_url_set(u.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return Invalid("webhook_url", "is not an absolute URL");
  }
  CurlStr scheme, host, port, user, full;
  curl_url_get(u.get(), CURLUPART_SCHEME, &scheme.s, 0);
  curl_url_get(u.get(), CURLUPART_HOST, &host.s, 0);
  curl_url_get(u.get(), CURLUPART_PORT, &port.s, CURLU_DEFAULT_PORT);
  curl_url_get(u.get(), CURLUPART_USER, &user.s, 0);
  curl_url_get(u.get(), CURLUPART_URL, &full.s, 0);
  TargetUrl t;
  t.scheme = scheme.s ? scheme.s : "";
  if (t.scheme != "https" && !(t.scheme == "http" && policy.allow_http)) {
    return Invalid("webhook_url", t.scheme == "http" ? "must use https (http is not allowed)"
                                                     : "must be an https URL");
  }
  if (user.s != nullptr) return Invalid("webhook_url", "must not carry credentials");
  t.host = host.s ? host.s : "";
  if (t.host.size() >= 2 && t.host.front() == '[' && t.host.back() == ']') {
    t.host = t.host.substr(1, t.host.size() - 2);
  }
  if (t.host.empty()) return Invalid("webhook_url", "has no host");
  t.port = port.s ? std::atoi(port.s) : 0;
  if (t.port <= 0 || t.port > 65535) return Invalid("webhook_url", "has a bad port");
  t.url = full.s ? full.s : text;
  return t;
}

Status CheckTargetHost(std::string_view host_in, const EgressPolicy& policy) {
  std::string host(host_in);
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto judged = [&](AddressClass c, const std::string& what) -> Status {
    if (AddressAllowed(c, policy)) return {};
    return Invalid("webhook_url", what + " is a " + std::string(AddressClassName(c)) +
                                      " address; refused (see webhook.allow_*)");
  };
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return judged(ClassifyV6(v6), host);
  // One trailing dot names the same host ("localhost." is localhost).
  if (host.size() > 1 && host.back() == '.') host.pop_back();
  if (host.empty() || host.back() == '.') return Invalid("webhook_url", "has a bad host name");
  // Every IPv4 form getaddrinfo and curl accept: dotted, short (127.1),
  // hexadecimal (0x7f.1), octal (017700000001), one number (2130706433).
  in_addr v4{};
  if (inet_aton(host.c_str(), &v4) != 0) return judged(ClassifyV4(ntohl(v4.s_addr)), host);
  // Names that are this machine or its own network by convention, whatever
  // a resolver answers for them today.
  auto under = [&](std::string_view zone) {
    return host == zone.substr(1) || host.ends_with(zone);
  };
  if (under(".localhost")) return judged(AddressClass::kLoopback, host);
  if (under(".internal") || under(".local") || under(".home.arpa") ||
      host.find('.') == std::string::npos) {
    return judged(AddressClass::kPrivate, host);
  }
  return {};
}

Result<TargetUrl> CheckTargetUrl(std::string_view url, const EgressPolicy& policy) {
  AIPROD_ASSIGN(TargetUrl target, ParseTargetUrl(url, policy));
  AIPROD_TRY(CheckTargetHost(target.host, policy));
  return target;
}

Result<std::vector<std::string>> ResolveAllowed(const TargetUrl& target,
                                                const EgressPolicy& policy) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port = std::to_string(target.port);
  int rc = getaddrinfo(target.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) {
    return Fail(ErrorCode::kUnavailable, "cannot resolve " + target.host + ": " + gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(res, freeaddrinfo);
  std::vector<std::string> out;
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    AddressClass c = ClassifyAddress(ai->ai_addr);
    std::string numeric = NumericHost(ai->ai_addr);
    if (!AddressAllowed(c, policy)) {
      return Invalid("webhook_url", target.host + " resolves to " + numeric + ", a " +
                                        std::string(AddressClassName(c)) +
                                        " address; refused (see webhook.allow_*)");
    }
    if (std::find(out.begin(), out.end(), numeric) == out.end()) out.push_back(numeric);
  }
  if (out.empty()) return Fail(ErrorCode::kUnavailable, "no address for " + target.host);
  return out;
}

}  // namespace aiprod
