// A JWKS URL that answers slowly (4 s) must not stall requests: the refetch
// an unknown `kid` triggers runs in the background, one at a time, and the
// token naming it is refused at once while it runs; API keys and tokens of
// known keys are answered meanwhile, on the same (single) I/O thread.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "api/http_server.h"
#include "fixture.h"

namespace aiprod::testing {
namespace {

using namespace std::chrono_literals;

// Serves a JWK Set over HTTP on a loopback port; when slow, each answer
// waits 4 s (or until the server is destroyed).
class JwksServer {
 public:
  JwksServer() {
    api::ServerOptions o;
    o.threads = 2;
    o.drain_timeout = 1s;
    server_ = std::make_unique<api::HttpServer>(
        o, [this](api::HttpRequest&) { return Answer(); },
        Logger(LogLevel::kError, LogFormat::kText));
    auto port = server_->Listen();
    EXPECT_TRUE(port.has_value());
    url_ = "http://127.0.0.1:" + std::to_string(port.value_or(0)) + "/jwks";
    server_->Start();
  }
  ~JwksServer() {
    {
      std::lock_guard lock(mu_);
      closing_ = true;
    }
    release_.notify_all();
    server_->Shutdown();
    server_->Wait();
  }
  const std::string& url() const { return url_; }
  void Serve(const Json& jwks, bool slow) {
    std::lock_guard lock(mu_);
    body_ = jwks.dump();
    slow_ = slow;
  }
  int fetches() {
    std::lock_guard lock(mu_);
    return fetches_;
  }
  // Resolves when a slow answer has begun.
  std::future<void> SlowFetchStarted() { return slow_started_.get_future(); }

 private:
  api::HttpResponse Answer() {
    std::unique_lock lock(mu_);
    ++fetches_;
    if (slow_) {
      if (!started_) slow_started_.set_value();
      started_ = true;
      release_.wait_for(lock, 4s, [this] { return closing_; });
    }
    api::HttpResponse r;
    r.status = 200;
    r.body = body_;
    r.Set("Content-Type", "application/json");
    return r;
  }

  std::mutex mu_;
  std::condition_variable release_;
  std::string body_ = R"({"keys":[]})";
  bool slow_ = false, closing_ = false, started_ = false;
  int fetches_ = 0;
  std::promise<void> slow_started_;
  std::string url_;
  std::unique_ptr<api::HttpServer> server_;
};

class JwksRefreshTest : public ApiTest {
 protected:
  void Configure(Config& c) override {
    c.api.threads = 1;  // a stalled handler would stall every request
    c.auth.jwks_url = jwks_.url();
  }
  Json Editor() { return Claims("alice", "editor", {"acme"}); }
  // GET /v1/jobs on a new client; the status and how long it took.
  std::pair<long, std::chrono::steady_clock::duration> Timed(const std::string& credential) {
    HttpClient c(port_);
    auto start = std::chrono::steady_clock::now();
    long status = c.Get("/v1/jobs", {Bearer(credential)}).status;
    return {status, std::chrono::steady_clock::now() - start};
  }

  JwksServer jwks_;  // before the API server starts, after it stops
};

TEST_F(JwksRefreshTest, SlowKeyServerDelaysNoRequest) {
  ASSERT_EQ(jwks_.fetches(), 1);  // the load at start
  KeyPair rotated = NewRsaKey("rsa-rotated");
  jwks_.Serve(Jwks({&rotated}), /*slow=*/true);
  auto fetch_started = jwks_.SlowFetchStarted();
  // A token with the new kid starts the refetch and is refused at once.
  std::pair<long, std::chrono::steady_clock::duration> unknown;
  std::thread first([&] { unknown = Timed(Signed(Editor(), rotated)); });
  ASSERT_EQ(fetch_started.wait_for(5s), std::future_status::ready);
  // While the key server sleeps: every other request is answered promptly.
  // (Generous bounds: the finding is a 4 s stall.)
  std::vector<std::pair<std::string, long>> requests = {
      {Key("viewer", {"acme"}), 200},
      {Signed(Editor(), RsaKey()), 200},
      {Hs256(Editor()), 200},
      {Signed(Editor(), rotated), 401},  // still unknown, no second fetch
  };
  for (const auto& [credential, want] : requests) {
    auto [status, took] = Timed(credential);
    EXPECT_EQ(status, want) << credential.substr(0, 12);
    EXPECT_LT(took, 1s) << credential.substr(0, 12);
  }
  first.join();
  EXPECT_EQ(unknown.first, 401);
  EXPECT_LT(unknown.second, 1s);
  EXPECT_EQ(jwks_.fetches(), 2) << "one refetch at a time";
  // Once the refetch is in, the new key verifies.
  long status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    status = Timed(Signed(Editor(), rotated)).first;
    if (status != 200) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(status, 200);
  EXPECT_EQ(jwks_.fetches(), 2);
}

}  // namespace
}  // namespace aiprod::testing
