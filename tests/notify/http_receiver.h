// A tiny HTTP/1.1 server on 127.0.0.1 for webhook tests: records each
// request and answers with scripted statuses (the last one repeats).
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace aiprod::testing {

struct ReceivedRequest {
  std::string method, target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

struct ScriptedAnswer {
  int status = 200;
  std::string location;  // sent as Location when not empty
};

class HttpReceiver {
 public:
  // `serve_now` false: the port is bound but no thread runs until Start()
  // (a test that forks first must not fork a process with threads).
  explicit HttpReceiver(std::vector<ScriptedAnswer> answers = {{200, ""}}, bool serve_now = true);
  void Start();
  ~HttpReceiver();
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  int port() const { return port_; }
  std::string Url(const std::string& path = "/hook") const;
  std::vector<ReceivedRequest> requests();

 private:
  void Serve();
  void Handle(int fd);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<ScriptedAnswer> answers_;    // guarded by mu_
  std::vector<ReceivedRequest> requests_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace aiprod::testing
