#include "core/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace aiprod {
namespace {

struct Pipe {
  int fd[2] = {-1, -1};
  ~Pipe() {
    for (int f : fd) {
      if (f >= 0) ::close(f);
    }
  }
  void CloseEnd(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
};

// Starts argv with the given descriptors as its stdin, stdout and stderr.
Result<pid_t> Spawn(const std::vector<std::string>& argv_in,
                    const std::vector<std::string>& extra_env, int in_fd, int out_fd, int err_fd) {
  std::vector<std::string> argv = argv_in, env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> cargv, cenv;
  for (auto& s : argv) cargv.push_back(s.data());
  cargv.push_back(nullptr);
  for (auto& s : env) cenv.push_back(s.data());
  cenv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_fd, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  // Children start with an empty signal mask: the CLI blocks SIGINT/SIGTERM in
  // its own threads (a watcher thread takes them), and a tool must stay killable.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, cargv[0], &actions, &attr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return Fail(rc == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                "cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  return pid;
}

// A wait status as an exit code: 128 + signal when killed.
int ExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int WaitExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return ExitCode(status);
}

// Waits until `fd` is ready for `events` or the deadline passes.
bool WaitFd(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    int n = poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1000)));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

std::chrono::steady_clock::time_point DeadlineIn(double seconds) {
  return std::chrono::steady_clock::now() +
         std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

}  // namespace

Result<SubprocessResult> RunSubprocess(const std::vector<std::string>& argv_in,
                                       const SubprocessOptions& options) {
  if (argv_in.empty()) return Fail(ErrorCode::kInternal, "RunSubprocess: empty argv");
  Pipe in, out, err;
  if (pipe2(in.fd, O_CLOEXEC) != 0 || pipe2(out.fd, O_CLOEXEC) != 0 ||
      pipe2(err.fd, O_CLOEXEC) != 0) {
    return Fail(ErrorCode::kIo, std::string("pipe: ") + std::strerror(errno));
  }
  pid_t pid = -1;
  AIPROD_ASSIGN(pid, Spawn(argv_in, options.extra_env, in.fd[0], out.fd[1], err.fd[1]));
  const std::vector<std::string>& argv = argv_in;
  in.CloseEnd(0);
  out.CloseEnd(1);
  err.CloseEnd(1);
  fcntl(in.fd[1], F_SETFL, O_NONBLOCK);

  // Feed stdin and drain stdout/stderr together so neither side blocks.
  SubprocessResult result;
  size_t written = 0;
  if (options.stdin_data.empty()) in.CloseEnd(1);
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<int64_t>(options.timeout_s * 1000));
  bool timed_out = false, too_big = false;
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[3] = {{in.fd[1], POLLOUT, 0}, {out.fd[0], POLLIN, 0}, {err.fd[0], POLLIN, 0}};
    if (poll(fds, 3, static_cast<int>(std::min<int64_t>(left, 1000))) < 0 && errno != EINTR) break;
    if (in.fd[1] >= 0 && (fds[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = ::write(in.fd[1], options.stdin_data.data() + written,
                          options.stdin_data.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 && errno != EAGAIN) written = options.stdin_data.size();
      if (written >= options.stdin_data.size()) in.CloseEnd(1);
    }
    for (int i = 1; i <= 2; ++i) {
      Pipe& p = i == 1 ? out : err;
      std::string& dest = i == 1 ? result.out : result.err;
      if (p.fd[0] < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      ssize_t n = ::read(p.fd[0], buf, sizeof buf);
      if (n <= 0) {
        p.CloseEnd(0);
      } else {
        dest.append(buf, static_cast<size_t>(n));
        if (dest.size() > options.max_output_bytes) too_big = true;
      }
    }
    if (too_big) break;
  }
  if (timed_out || too_big) kill(pid, SIGKILL);
  const int exit_code = WaitExit(pid);
  if (timed_out) {
    return Fail(ErrorCode::kUnavailable,
                argv[0] + " did not finish within " + std::to_string(options.timeout_s) + " s");
  }
  if (too_big) return Fail(ErrorCode::kInternal, argv[0] + " wrote more output than allowed");
  result.exit_code = exit_code;
  return result;
}

Result<ChildProcess> ChildProcess::Start(const std::vector<std::string>& argv,
                                         const std::vector<std::string>& extra_env) {
  if (argv.empty()) return Fail(ErrorCode::kInternal, "ChildProcess: empty argv");
  // One socket is the child's stdin and stdout: send() with MSG_NOSIGNAL keeps
  // a dead child from raising SIGPIPE here.
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return Fail(ErrorCode::kIo, std::string("socketpair: ") + std::strerror(errno));
  }
  int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  auto pid = null_fd < 0 ? Fail(ErrorCode::kIo, std::string("/dev/null: ") + std::strerror(errno))
                         : Spawn(argv, extra_env, sv[1], sv[1], null_fd);
  if (null_fd >= 0) ::close(null_fd);
  ::close(sv[1]);
  if (!pid) {
    ::close(sv[0]);
    return Unexpected(pid.error());
  }
  ChildProcess child;
  child.pid_ = *pid;
  child.sock_ = sv[0];
  // Writes and reads wait in poll() so that a stuck child meets the deadline.
  fcntl(child.sock_, F_SETFL, O_NONBLOCK);
  return child;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept { *this = std::move(other); }

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    Finish();
    std::swap(pid_, other.pid_);
    std::swap(sock_, other.sock_);
    buffered_ = std::move(other.buffered_);
  }
  return *this;
}

ChildProcess::~ChildProcess() { Finish(); }

int ChildProcess::Finish() {
  if (sock_ >= 0) ::close(sock_);
  sock_ = -1;
  buffered_.clear();
  if (pid_ <= 0) return -1;
  int code = -1;
  // End of input asks a helper to finish; give it a second, then kill it.
  for (int i = 0; i < 100 && code < 0; ++i) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      code = ExitCode(status);
    } else if (r < 0 && errno != EINTR) {
      code = 128;
    } else {
      usleep(10'000);
    }
  }
  if (code < 0) {
    kill(pid_, SIGKILL);
    code = WaitExit(pid_);
  }
  pid_ = -1;
  return code;
}

Status ChildProcess::Write(std::string_view data, double timeout_s) {
  const auto deadline = DeadlineIn(timeout_s);
  while (!data.empty()) {
    if (sock_ < 0) return Fail(ErrorCode::kUnavailable, "the child has finished");
    ssize_t n = ::send(sock_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && errno == EAGAIN) {
      if (!WaitFd(sock_, POLLOUT, deadline)) {
        return Fail(ErrorCode::kUnavailable, "the child did not read its input in time");
      }
    } else if (n < 0 && errno != EINTR) {
      return Fail(ErrorCode::kUnavailable,
                  std::string("writing to the child: ") + std::strerror(errno));
    }
  }
  return {};
}

Result<std::string> ChildProcess::ReadLine(double timeout_s, size_t max_bytes) {
  const auto deadline = DeadlineIn(timeout_s);
  for (;;) {
    if (size_t nl = buffered_.find('\n'); nl != std::string::npos) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      return line;
    }
    if (buffered_.size() > max_bytes) {
      return Fail(ErrorCode::kUnavailable, "the child wrote a line longer than allowed");
    }
    if (sock_ < 0) return Fail(ErrorCode::kUnavailable, "the child has finished");
    char buf[65536];
    ssize_t n = ::read(sock_, buf, sizeof buf);
    if (n > 0) {
      buffered_.append(buf, static_cast<size_t>(n));
    } else if (n == 0) {
      return Fail(ErrorCode::kUnavailable, "the child closed its output");
    } else if (errno == EAGAIN) {
      if (!WaitFd(sock_, POLLIN, deadline)) {
        return Fail(ErrorCode::kUnavailable, "the child did not answer in time");
      }
    } else if (errno != EINTR) {
      return Fail(ErrorCode::kUnavailable,
                  std::string("reading from the child: ") + std::strerror(errno));
    }
  }
}

}  // namespace aiprod
