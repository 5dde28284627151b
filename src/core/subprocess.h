// Running a helper program (apertium, pg_dump) with input and a deadline, or
// keeping one running to talk to it request by request (the OCR helper).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
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

// A child process whose stdin and stdout are one socket to this process
// (stderr goes to /dev/null: a long-lived helper reports errors in its own
// protocol, and noise it prints must not fill a buffer nobody reads). One
// thread talks to it at a time. Finish (also run by the destructor) ends its
// input, waits a second for it to exit, then kills it.
class ChildProcess {
 public:
  static Result<ChildProcess> Start(const std::vector<std::string>& argv,
                                    const std::vector<std::string>& extra_env);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();

  // Writes all of `data` to the child's stdin; kUnavailable when the child
  // is gone or `timeout_s` passed.
  Status Write(std::string_view data, double timeout_s);
  // Reads up to the next '\n' (returned without it); kUnavailable on end of
  // stream, timeout, or a line longer than `max_bytes`.
  Result<std::string> ReadLine(double timeout_s, size_t max_bytes = 1 << 20);
  // Exit status (128 + signal when killed); -1 when already finished.
  int Finish();

 private:
  ChildProcess() = default;

  pid_t pid_ = -1;
  int sock_ = -1;
  std::string buffered_;  // read past the last line returned
};

}  // namespace aiprod
