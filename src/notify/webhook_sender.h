// One attempt to POST a webhook: libcurl, with the egress policy enforced on
// every address actually connected to (the resolved addresses are checked,
// pinned with CURLOPT_RESOLVE, and checked again in the socket callback) and
// redirects followed here, each hop checked the same way (at most 3).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "notify/url_guard.h"

namespace aiprod {

struct HttpPost {
  std::string url;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  double timeout_s = 10;
};

struct PostOutcome {
  enum class Kind {
    kDelivered,  // a 2xx answer
    kRetry,      // worth trying again later: no answer, 408, 429, 5xx
    kGiveUp,     // refused by the policy or a final 4xx: trying again will not help
  };
  Kind kind = Kind::kRetry;
  int http_status = 0;    // the last answer's status, 0 when none
  std::string error;      // empty when delivered
  std::string final_url;  // after redirects
  std::string address;    // the address connected to last
  int redirects = 0;
  int64_t duration_ms = 0;
};
std::string_view PostOutcomeName(PostOutcome::Kind k);  // "delivered", "retry", "give_up"

// Thread-safe.
PostOutcome PostJson(const HttpPost& post, const EgressPolicy& policy);

}  // namespace aiprod
