// Stream tokens: a browser's EventSource cannot send an Authorization header,
// so POST /v1/jobs/{id}/events/token gives the caller a short-lived token for
// `GET /v1/jobs/{id}/events?token=`. The token names one job and one
// principal and expires; it is signed with storage's link scheme
// (artifacts/signed_url.h: HMAC-SHA256 with the signing secret) over
// "/v1/jobs/<job>/events\n<principal>\n<until>", so it can never pass as a
// file link nor a file link as a token.
//
// Wire form: "<expires>.<until>.<base64url(principal id)>.<signature>", all
// URL-safe (no '+', no '%'). `until` is when the principal's own credential
// ends (a JWT's exp; 0: never), for the stream the token opens.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "artifacts/signed_url.h"

namespace aiprod::api {

struct StreamGrant {
  std::string job_id;
  std::string principal_id;  // Principal::id: "key:<uuid>", "jwt:<sub>", ...
  int64_t expires_s = 0;     // the token's end (Unix seconds, inclusive)
  int64_t until_s = 0;       // the principal's credential's end; 0: none
};

std::string IssueStreamToken(std::string_view secret, const StreamGrant& grant);

// Checks `token` for the stream of `job_id`: kBadSignature for anything
// malformed, altered, signed with another secret or for another job;
// kExpired once past its expiry. On kValid fills `out`.
LinkVerdict VerifyStreamToken(std::string_view secret, std::string_view job_id,
                              std::string_view token, int64_t now_s, StreamGrant* out);

}  // namespace aiprod::api
