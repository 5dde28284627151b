#include "api/stream_token.h"

#include <charconv>
#include <vector>

#include "api/auth/jwt.h"

namespace aiprod::api {
namespace {

std::string SignedPart(std::string_view job_id, std::string_view principal_id, int64_t until_s) {
  return "/v1/jobs/" + std::string(job_id) + "/events\n" + std::string(principal_id) + "\n" +
         std::to_string(until_s);
}

}  // namespace

std::string IssueStreamToken(std::string_view secret, const StreamGrant& g) {
  return std::to_string(g.expires_s) + "." + std::to_string(g.until_s) + "." +
         Base64UrlEncode(g.principal_id) + "." +
         SignPath(secret, SignedPart(g.job_id, g.principal_id, g.until_s), g.expires_s);
}

LinkVerdict VerifyStreamToken(std::string_view secret, std::string_view job_id,
                              std::string_view token, int64_t now_s, StreamGrant* out) {
  std::vector<std::string_view> parts;
  for (size_t from = 0;;) {
    size_t dot = token.find('.', from);
    parts.push_back(token.substr(from, dot - from));
    if (dot == std::string_view::npos || parts.size() > 4) break;
    from = dot + 1;
  }
  if (parts.size() != 4) return LinkVerdict::kBadSignature;
  int64_t until = 0;
  auto [p, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), until);
  if (ec != std::errc() || p != parts[1].data() + parts[1].size() ||
      std::to_string(until) != parts[1]) {
    return LinkVerdict::kBadSignature;
  }
  auto principal = Base64UrlDecode(parts[2]);
  if (!principal || principal->empty()) return LinkVerdict::kBadSignature;
  // VerifyLink checks the expiry's spelling, the signature (constant time),
  // then the expiry.
  LinkVerdict v =
      VerifyLink(secret, SignedPart(job_id, *principal, until), parts[0], parts[3], now_s);
  if (v == LinkVerdict::kValid) {
    *out = {std::string(job_id), std::move(*principal), std::stoll(std::string(parts[0])), until};
  }
  return v;
}

}  // namespace aiprod::api
