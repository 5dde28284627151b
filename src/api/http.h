// HTTP request and response values that the service's handlers work with.
// Free of Boost.Beast on purpose: only http_server.cc includes Beast (one
// Beast translation unit costs ~17 s and 660 MB to compile).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace aiprod::api {

struct Header {
  std::string name;  // lower case in requests
  std::string value;
};

struct HttpRequest {
  std::string method;  // "GET"
  std::string target;  // "/v1/jobs?state=queued"
  std::string path;    // "/v1/jobs"
  std::string query;   // "state=queued"
  std::vector<Header> headers;
  std::string body;
  std::string remote_addr;

  // The first header named `lower_name` (lower case), or null.
  const std::string* Find(std::string_view lower_name) const;
  // A query parameter, decoded as QueryDecode does.
  std::optional<std::string> Query(std::string_view name) const;
};

// Produces a response body piece by piece: files (Range requests) and
// Server-Sent Events. Called on one I/O thread at a time; must not block long.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // The next piece: data to send now, "" when nothing is ready yet (the server
  // waits PollInterval() and asks again), nullopt at the end of the body.
  virtual Result<std::optional<std::string>> Next() = 0;
  virtual std::chrono::milliseconds PollInterval() const { return std::chrono::milliseconds(0); }
  // The server is shutting down: the next call to Next() should end the body.
  virtual void Stop() {}
};

struct HttpResponse {
  int status = 200;
  std::vector<Header> headers;
  std::string body;
  // When set, `body` is ignored and the stream produces the body. With
  // `stream_length` the body has that length; without, it ends when the
  // connection closes (event streams).
  std::unique_ptr<BodyStream> stream;
  std::optional<uint64_t> stream_length;

  void Set(std::string name, std::string value);
  const std::string* Find(std::string_view name) const;  // case-insensitive
};

// A path segment: %XX decoded, '+' stays '+' (RFC 3986).
std::string PercentDecode(std::string_view s);
// A query string's name or value (application/x-www-form-urlencoded): the
// same, and '+' is a space.
std::string QueryDecode(std::string_view s);
// Splits a target into path and query.
void SplitTarget(std::string_view target, std::string* path, std::string* query);
std::string_view ReasonPhrase(int status);

}  // namespace aiprod::api
