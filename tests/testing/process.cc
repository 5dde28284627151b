#include "testing/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/subprocess.h"

extern char** environ;

namespace aiprod::testing {
namespace {

std::vector<char*> CStrings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

pid_t StartProcess(const std::vector<std::string>& argv_in, const std::string& out_file,
                   const std::string& err_file, const std::vector<std::string>& env_in) {
  std::vector<std::string> argv = argv_in;
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  env.insert(env.end(), env_in.begin(), env_in.end());
  auto cargv = CStrings(argv);
  auto cenv = CStrings(env);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid = -1;
  if (int rc = posix_spawn(&pid, cargv[0], &actions, nullptr, cargv.data(), cenv.data()); rc != 0) {
    std::fprintf(stderr, "StartProcess %s: %s\n", cargv[0], std::strerror(rc));
    pid = -1;
  }
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int WaitProcess(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env) {
  SubprocessOptions options;
  options.extra_env = env;
  options.timeout_s = 600;
  ProcessResult r;
  auto done = RunSubprocess(argv, options);
  if (!done) {
    r.err = done.error().ToString();
    return r;
  }
  r.exit_code = done->exit_code;
  r.out = std::move(done->out);
  r.err = std::move(done->err);
  return r;
}

std::string AiprodBinary() {
  const char* b = std::getenv("AIPROD_BINARY");
  return b ? b : AIPROD_BINARY_PATH;
}

}  // namespace aiprod::testing
