#include "core/error.h"

namespace aiprod {

std::string_view CodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput:
      return "invalid_input";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kLeaseLost:
      return "lease_lost";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kBudgetExceeded:
      return "budget_exceeded";
    case ErrorCode::kLimitReached:
      return "limit_reached";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kIo:
      return "io_error";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

int ExitCodeFor(ErrorCode code) {
  return code == ErrorCode::kInvalidInput || code == ErrorCode::kNotFound ? 2 : 1;
}

std::string Error::ToString() const { return field.empty() ? message : field + ": " + message; }

}  // namespace aiprod
