#include "http_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace aiprod::testing {

HttpReceiver::HttpReceiver(std::vector<ScriptedAnswer> answers, bool serve_now)
    : answers_(std::move(answers)) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(listen_fd_, 16);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  if (serve_now) Start();
}

void HttpReceiver::Start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { Serve(); });
}

HttpReceiver::~HttpReceiver() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  close(listen_fd_);
}

std::string HttpReceiver::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<ReceivedRequest> HttpReceiver::requests() {
  std::lock_guard lock(mu_);
  return requests_;
}

void HttpReceiver::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Handle(fd);
    close(fd);
  }
}

void HttpReceiver::Handle(int fd) {
  std::string data;
  char buf[4096];
  size_t header_end = std::string::npos, need = 0;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 2000) <= 0) return;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return;
    data.append(buf, static_cast<size_t>(n));
    if (header_end == std::string::npos) {
      header_end = data.find("\r\n\r\n");
      if (header_end == std::string::npos) continue;
      std::string lower = data.substr(0, header_end);
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      auto cl = lower.find("content-length:");
      need = cl == std::string::npos ? 0 : std::stoul(lower.substr(cl + 15));
    }
    if (data.size() >= header_end + 4 + need) break;
  }
  ReceivedRequest req;
  size_t line_end = data.find("\r\n");
  std::string first = data.substr(0, line_end);
  req.method = first.substr(0, first.find(' '));
  req.target = first.substr(first.find(' ') + 1, first.rfind(' ') - first.find(' ') - 1);
  size_t pos = line_end + 2;
  while (pos < header_end) {
    size_t end = data.find("\r\n", pos);
    std::string line = data.substr(pos, end - pos);
    auto colon = line.find(':');
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    req.headers[name] = value;
    pos = end + 2;
  }
  req.body = data.substr(header_end + 4, need);
  ScriptedAnswer answer;
  {
    std::lock_guard lock(mu_);
    requests_.push_back(req);
    answer = answers_.front();
    if (answers_.size() > 1) answers_.erase(answers_.begin());
  }
  std::string resp = "HTTP/1.1 " + std::to_string(answer.status) + " Scripted\r\n";
  if (!answer.location.empty()) resp += "Location: " + answer.location + "\r\n";
  resp += "Content-Length: 2\r\nConnection: close\r\n\r\nok";
  (void)!write(fd, resp.data(), resp.size());
}

}  // namespace aiprod::testing
