// Running the `aiprod` binary (or any program) from tests.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace aiprod::testing {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal if killed
  std::string out, err;
};

// Runs `argv` to completion with extra `env` entries ("K=V"), capturing output.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env = {});

// Starts `argv` in the background with stdout/stderr sent to files; returns its pid.
pid_t StartProcess(const std::vector<std::string>& argv, const std::string& out_file,
                   const std::string& err_file, const std::vector<std::string>& env = {});
// Waits for `pid`; returns its exit code (128 + signal if killed).
int WaitProcess(pid_t pid);

// Path of the aiprod binary under test (AIPROD_BINARY, set by CTest).
std::string AiprodBinary();

}  // namespace aiprod::testing
