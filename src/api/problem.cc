#include "api/problem.h"

#include "core/json.h"

namespace aiprod::api {

int StatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
    case ErrorCode::kLeaseLost:
    case ErrorCode::kCancelled:
      return 409;
    case ErrorCode::kBudgetExceeded:
      return 422;
    case ErrorCode::kLimitReached:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kIo:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

HttpResponse Problem(int status, std::string_view code, std::string_view detail,
                     std::string_view field) {
  Json j = {{"type", "/problems/" + std::string(code)},
            {"title", std::string(ReasonPhrase(status))},
            {"status", status},
            {"code", std::string(code)},
            {"detail", std::string(detail)}};
  if (!field.empty()) j["field"] = std::string(field);
  HttpResponse r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  r.Set("Content-Type", "application/problem+json");
  return r;
}

HttpResponse ProblemFrom(const Error& e) {
  int status = StatusFor(e.code);
  std::string detail = e.message;
  // Store errors carry the engine's message ("exec: UNIQUE constraint ...");
  // never show those, nor anything of a 5xx.
  for (const char* p : {"prepare:", "exec:", "query:", "bind:", "sql script:", "postgres"}) {
    if (detail.starts_with(p)) detail = "the request could not be completed";
  }
  if (status >= 500) {
    detail = status == 503 ? "a dependency is temporarily unavailable; retry later"
                           : "internal error; the request id identifies it in the logs";
  }
  return Problem(status, CodeName(e.code), detail, status < 500 ? e.field : std::string());
}

}  // namespace aiprod::api
