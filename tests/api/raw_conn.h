// A raw TCP connection to a loopback port, for what an HTTP client library
// will not do: send half a request, send nothing, read the exact bytes, or
// connect from another loopback address (127.0.0.2: all of 127/8 is local).
#pragma once

#include <string>

namespace aiprod::testing {

class RawConn {
 public:
  // Connects to 127.0.0.1:`port`, from `source` (an IPv4 address) when given.
  explicit RawConn(int port, const std::string& source = {});
  ~RawConn();
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;

  bool connected() const { return connected_; }
  void Send(const std::string& s);
  // Reads until the peer closes or `timeout_ms` passes; closed() tells which.
  std::string ReadAll(int timeout_ms);
  bool closed() const { return closed_; }

 private:
  int fd_;
  bool connected_ = false, closed_ = false;
};

}  // namespace aiprod::testing
