// Running a helper program (apertium, pg_dump) with input and a deadline.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace aiprod {

struct SubprocessResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string out, err;
};

struct SubprocessOptions {
  std::string stdin_data;
  std::vector<std::string> extra_env;  // "KEY=VALUE", added to this process's environment
  double timeout_s = 60;               // killed (SIGKILL) after this; kUnavailable
  size_t max_output_bytes = 64 << 20;  // kInternal if stdout exceeds it
};

// Runs argv[0] (searched in PATH) to completion. Fails with kNotFound when the
// program does not exist and kUnavailable on timeout; a non-zero exit status
// is reported in the result, not as an error.
Result<SubprocessResult> RunSubprocess(const std::vector<std::string>& argv,
                                       const SubprocessOptions& options = {});

}  // namespace aiprod
