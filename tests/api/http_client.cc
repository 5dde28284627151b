#include "http_client.h"

#include <cctype>

namespace aiprod::testing {
namespace {

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (line.starts_with("HTTP/")) headers->clear();  // a new response (after 100 Continue)
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*headers)[name] = value;
  }
  return size * n;
}

struct StreamState {
  std::string* body;
  std::function<bool(const std::string&)>* on_data;
};

size_t OnStream(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<StreamState*>(user);
  s->body->append(data, size * n);
  return (*s->on_data)(*s->body) ? size * n : 0;
}

}  // namespace

std::string Bearer(const std::string& token) { return "Authorization: Bearer " + token; }

HttpClient::HttpClient(int port)
    : base_("http://127.0.0.1:" + std::to_string(port)), curl_(curl_easy_init()) {}

HttpClient::~HttpClient() { curl_easy_cleanup(curl_); }

HttpReply HttpClient::Request(const std::string& method, const std::string& path,
                              std::vector<std::string> headers, const std::string& body,
                              bool send_body) {
  HttpReply r;
  curl_easy_reset(curl_);
  curl_easy_setopt(curl_, CURLOPT_URL, (base_ + path).c_str());
  curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &r.headers);
  bool has_type = false;
  for (const auto& h : headers) has_type = has_type || h.starts_with("Content-Type:");
  if (send_body) {
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    if (!has_type) headers.push_back("Content-Type: application/json");
  }
  if (method == "GET") curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
  headers.push_back("Expect:");
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
  CURLcode rc = curl_easy_perform(curl_);
  curl_slist_free_all(list);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_getinfo(curl_, CURLINFO_NUM_CONNECTS, &r.new_connections);
  } else {
    r.body = curl_easy_strerror(rc);
  }
  return r;
}

HttpReply HttpClient::Stream(const std::string& path, std::vector<std::string> headers,
                             std::function<bool(const std::string&)> on_data, long timeout_s) {
  HttpReply r;
  CURL* c = curl_easy_init();
  StreamState state{&r.body, &on_data};
  curl_easy_setopt(c, CURLOPT_URL, (base_ + path).c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnStream);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(c);
  return r;
}

}  // namespace aiprod::testing
