// Error values: the one error policy of AIPROD.
//
// Expected failures travel as `Error` inside `Result<T>` (std::expected). Each
// error has a stable `ErrorCode` whose string form (`CodeName`) is part of the
// public interface (CLI output, API problem details), plus a human message and,
// for input errors, the path of the offending field (`scenes[3].duration_s`).
// Exceptions never cross a module boundary; impossible states abort.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace aiprod {

enum class ErrorCode {
  kInvalidInput,    // the caller's data is wrong; retrying will not help
  kNotFound,        // the named thing does not exist
  kConflict,        // state does not allow the operation (e.g. wrong job state)
  kLeaseLost,       // another worker owns the job now; stop writing
  kUnavailable,     // a dependency is temporarily down; retry later
  kBudgetExceeded,  // the job would exceed a configured budget
  kLimitReached,    // a cap on unfinished work is reached (active jobs per brand); retry later
  kCancelled,       // the job was cancelled
  kIo,              // filesystem or device failure
  kInternal,        // a bug or an unexpected library failure
};

std::string_view CodeName(ErrorCode code);

// Process exit code for a CLI failure with this code: 2 for bad input, 1 otherwise.
int ExitCodeFor(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;  // dotted path of the offending input field, if any

  // "field: message" when a field is set, else the message.
  std::string ToString() const;
  bool Retryable() const { return code == ErrorCode::kUnavailable || code == ErrorCode::kIo; }
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> Fail(ErrorCode code, std::string message, std::string field = {}) {
  return std::unexpected<Error>(Error{code, std::move(message), std::move(field)});
}
inline std::unexpected<Error> Invalid(std::string field, std::string message) {
  return Fail(ErrorCode::kInvalidInput, std::move(message), std::move(field));
}
inline std::unexpected<Error> Unexpected(Error e) { return std::unexpected<Error>(std::move(e)); }

}  // namespace aiprod

// Propagates the error of a Result-returning expression, else yields nothing.
#define AIPROD_TRY(expr)                                             \
  do {                                                               \
    if (auto aiprod_try_result_ = (expr); !aiprod_try_result_) {     \
      return std::unexpected(std::move(aiprod_try_result_).error()); \
    }                                                                \
  } while (0)

#define AIPROD_CONCAT_INNER(a, b) a##b
#define AIPROD_CONCAT(a, b) AIPROD_CONCAT_INNER(a, b)
// `AIPROD_ASSIGN(auto x, Expr())` assigns the value or returns the error.
#define AIPROD_ASSIGN(lhs, expr) AIPROD_ASSIGN_IMPL(AIPROD_CONCAT(aiprod_r_, __LINE__), lhs, expr)
#define AIPROD_ASSIGN_IMPL(tmp, lhs, expr)                  \
  auto tmp = (expr);                                        \
  if (!tmp) return std::unexpected(std::move(tmp).error()); \
  lhs = std::move(*tmp)
