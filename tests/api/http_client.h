// A small HTTP/1.1 client for the API tests (libcurl): real requests to the
// server on a loopback port. One client keeps its connection alive between
// requests. Not thread-safe: one per thread.
#pragma once

#include <curl/curl.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/json.h"

namespace aiprod::testing {

struct HttpReply {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  long new_connections = 0;  // connections opened for this request
  Json json() const { return Json::parse(body, nullptr, false); }
  std::string header(const std::string& lower) const {
    auto it = headers.find(lower);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpClient {
 public:
  explicit HttpClient(int port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `headers` as "Name: value". A body with no Content-Type header is sent as JSON.
  HttpReply Request(const std::string& method, const std::string& path,
                    std::vector<std::string> headers = {}, const std::string& body = {},
                    bool send_body = false);
  HttpReply Get(const std::string& path, std::vector<std::string> headers = {}) {
    return Request("GET", path, std::move(headers));
  }
  HttpReply Post(const std::string& path, const std::string& body,
                 std::vector<std::string> headers = {}) {
    return Request("POST", path, std::move(headers), body, true);
  }
  HttpReply Put(const std::string& path, const std::string& body,
                std::vector<std::string> headers = {}) {
    return Request("PUT", path, std::move(headers), body, true);
  }
  // Streams the body to `on_data` until it returns false or the body ends.
  HttpReply Stream(const std::string& path, std::vector<std::string> headers,
                   std::function<bool(const std::string& all_so_far)> on_data, long timeout_s);

 private:
  std::string base_;
  CURL* curl_;
};

std::string Bearer(const std::string& token);

}  // namespace aiprod::testing
