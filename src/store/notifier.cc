#include "store/notifier.h"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <mutex>

namespace aiprod {
namespace {

// Sleeps, interruptibly, via an eventfd.
class PollingWaiter : public JobWaiter {
 public:
  PollingWaiter() : wake_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~PollingWaiter() override {
    if (wake_ >= 0) close(wake_);
  }
  void Wait(std::chrono::milliseconds max) override { WaitOn(-1, max); }
  void Interrupt() override {
    uint64_t one = 1;
    (void)!write(wake_, &one, sizeof one);
  }

 protected:
  // Waits for `fd` to become readable, an interrupt, or the timeout. Returns
  // true when `fd` is readable.
  bool WaitOn(int fd, std::chrono::milliseconds max) {
    pollfd fds[2] = {{wake_, POLLIN, 0}, {fd, POLLIN, 0}};
    int n = poll(fds, fd >= 0 ? 2 : 1, static_cast<int>(max.count()));
    if (n > 0 && (fds[0].revents & POLLIN)) {
      uint64_t v;
      (void)!read(wake_, &v, sizeof v);
    }
    return n > 0 && fd >= 0 && (fds[1].revents & POLLIN);
  }

 private:
  int wake_;
};

class PgListenWaiter final : public PollingWaiter {
 public:
  explicit PgListenWaiter(std::string url) : url_(std::move(url)) {}
  ~PgListenWaiter() override { PQfinish(conn_); }

  void Wait(std::chrono::milliseconds max) override {
    if (!Connected()) {
      WaitOn(-1, max);  // the server is away: poll
      return;
    }
    if (Drain()) return;  // a notification arrived since the last wait
    if (WaitOn(PQsocket(conn_), max)) Drain();
  }

 private:
  bool Connected() {
    if (conn_ && PQstatus(conn_) == CONNECTION_OK) return true;
    PQfinish(conn_);
    conn_ = PQconnectdb(url_.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) return false;
    PGresult* r = PQexec(conn_, (std::string("LISTEN ") + kJobsChannel).c_str());
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok;
  }

  // Consumes pending notifications; true if there was any.
  bool Drain() {
    if (!PQconsumeInput(conn_)) return false;
    bool any = false;
    while (PGnotify* n = PQnotifies(conn_)) {
      any = true;
      PQfreemem(n);
    }
    return any;
  }

  std::string url_;
  PGconn* conn_ = nullptr;
};

}  // namespace

std::unique_ptr<JobWaiter> MakeJobWaiter(const std::string& url) {
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    return std::make_unique<PgListenWaiter>(url);
  }
  return std::make_unique<PollingWaiter>();
}

}  // namespace aiprod
