// RFC 9457 problem details: every error the API returns. The `code` member is
// stable (CodeName of an ErrorCode, or an HTTP-level code such as
// `unauthorized`, `forbidden`, `rate_limited`, `payload_too_large`); `detail`
// is for people. Never a stack trace, never SQL: messages of internal and I/O
// errors are replaced by a generic text (they go to the log instead).
#pragma once

#include <string>
#include <string_view>

#include "api/http.h"
#include "core/error.h"

namespace aiprod::api {

// HTTP status for an error code: invalid_input 400, not_found 404, conflict
// and lease_lost 409, budget_exceeded 422, limit_reached 429, unavailable 503,
// others 500.
int StatusFor(ErrorCode code);

HttpResponse Problem(int status, std::string_view code, std::string_view detail,
                     std::string_view field = {});
// From an Error: status and code from its ErrorCode; 5xx details are generic.
HttpResponse ProblemFrom(const Error& e);

}  // namespace aiprod::api
