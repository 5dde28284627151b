// Where outgoing calls to client-supplied URLs (webhooks) may go: HTTPS
// only, and never to this network's own addresses (loopback, private,
// link-local, unspecified, multicast, reserved), judged on the addresses the
// host name resolves to, unless the operator allows them.
#pragma once

#include <sys/socket.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace aiprod {

struct EgressPolicy {
  bool allow_http = false;      // plain http:// as well as https://
  bool allow_loopback = false;  // 127.0.0.0/8, ::1
  bool allow_private = false;   // RFC 1918, 100.64/10, 198.18/15, fc00::/7, fec0::/10, link-local
};

enum class AddressClass {
  kPublic,
  kLoopback,
  kPrivate,
  kLinkLocal,
  kUnspecified,  // 0.0.0.0/8, ::
  kMulticast,
  kReserved,  // broadcast, documentation, class E, discard-only
};
std::string_view AddressClassName(AddressClass c);

// IPv6 addresses that carry an IPv4 address (mapped ::ffff:0:0/96, SIIT
// ::ffff:0:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by it;
// local-use NAT64 (64:ff9b:1::/48) is private.
AddressClass ClassifyAddress(const sockaddr* address);
// A numeric IPv4 or IPv6 address ("10.0.0.1", "::1"); kInvalidInput otherwise.
Result<AddressClass> ClassifyAddress(std::string_view numeric);
bool AddressAllowed(AddressClass c, const EgressPolicy& policy);

struct TargetUrl {
  std::string url;     // normalised
  std::string scheme;  // "https" | "http"
  std::string host;    // without brackets for IPv6 literals
  int port = 0;
};
// kInvalidInput: not an absolute http(s) URL, a scheme the policy refuses,
// credentials in the URL, or no host.
Result<TargetUrl> ParseTargetUrl(std::string_view url, const EgressPolicy& policy);

// The checks that need no lookup, shared by the API (a brief's webhook_url
// when the job is created) and the sender (every URL before it is
// resolved): ParseTargetUrl, then the host. A numeric host in any form a
// resolver accepts (0x7f.1, 2130706433, 127.1, IPv6) is judged by its
// address class; localhost and *.localhost count as loopback; *.internal
// (metadata.google.internal), *.local, *.home.arpa and single-label names as
// private; one trailing dot changes nothing ("localhost.").
Status CheckTargetHost(std::string_view host, const EgressPolicy& policy);
Result<TargetUrl> CheckTargetUrl(std::string_view url, const EgressPolicy& policy);

// Resolves the host and returns its numeric addresses; kInvalidInput naming
// the address when any of them is refused (all must pass, so that no answer
// of a later lookup can lead elsewhere); kUnavailable when resolution fails.
Result<std::vector<std::string>> ResolveAllowed(const TargetUrl& target,
                                                const EgressPolicy& policy);

}  // namespace aiprod
