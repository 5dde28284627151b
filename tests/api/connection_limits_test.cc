// Connections that hold a slot without sending a request: the first request
// must arrive within the read timeout, one client address may hold only so
// many connections, and the last few slots are kept for addresses that have
// none open, so that one address filling the server does not lock everyone
// else out. Refusals are whole HTTP responses (the Content-Length is right).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "api/http_server.h"
#include "core/json.h"
#include "fixture.h"
#include "raw_conn.h"

namespace aiprod::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kGet[] = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

class ConnectionLimitsTest : public ::testing::Test {
 protected:
  // A server answering 200 to everything; silent connections are kept
  // open for 30 s unless the test shortens the read timeout.
  void Start(api::ServerOptions o) {
    o.threads = 1;
    server_ = std::make_unique<api::HttpServer>(
        o,
        [](api::HttpRequest&) {
          api::HttpResponse r;
          r.status = 200;
          r.body = "ok";
          return r;
        },
        Logger(LogLevel::kError, LogFormat::kText));
    auto port = server_->Listen();
    ASSERT_TRUE(port.has_value()) << port.error().ToString();
    port_ = *port;
    server_->Start();
  }
  void TearDown() override {
    held_.clear();
    if (server_) {
      server_->Shutdown();
      server_->Wait();
    }
  }
  static api::ServerOptions Options() {
    api::ServerOptions o;
    o.read_timeout = 30s;
    o.keepalive_timeout = 30s;
    o.drain_timeout = 1s;
    return o;
  }
  // Opens `n` silent connections from `source` and waits until the server
  // counts exactly the held ones (the connections of earlier requests ended).
  void Hold(int n, const std::string& source) {
    size_t want = held_.size() + static_cast<size_t>(n);
    for (int i = 0; i < n; ++i) {
      held_.push_back(std::make_unique<RawConn>(port_, source));
      ASSERT_TRUE(held_.back()->connected()) << source;
    }
    for (int i = 0; i < 200 && server_->active_connections() != want; ++i) {
      std::this_thread::sleep_for(10ms);
    }
    ASSERT_EQ(server_->active_connections(), want);
  }
  // One request on a new connection from `source`: the raw reply.
  std::string Request(const std::string& source) {
    RawConn c(port_, source);
    EXPECT_TRUE(c.connected()) << source;
    c.Send(kGet);
    return c.ReadAll(3000);
  }

  std::unique_ptr<api::HttpServer> server_;
  int port_ = 0;
  std::vector<std::unique_ptr<RawConn>> held_;
};

// A connection that never sends a byte is closed after the read timeout,
// not after the (much longer) keep-alive timeout.
TEST_F(ConnectionLimitsTest, SilentConnectionIsClosedAfterTheReadTimeout) {
  api::ServerOptions o = Options();
  o.read_timeout = 300ms;
  o.keepalive_timeout = 60s;
  Start(o);
  RawConn silent(port_);
  ASSERT_TRUE(silent.connected());
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(silent.ReadAll(5000), "");
  EXPECT_TRUE(silent.closed());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
  // A connection that starts a request and never finishes it: the same
  // deadline, counted from the accept.
  RawConn slow(port_);
  slow.Send("GET /health HTTP/1.1\r\n");
  EXPECT_EQ(slow.ReadAll(5000), "");
  EXPECT_TRUE(slow.closed());
}

// One address holds max_connections - reserve slots at most; the reserve
// serves other addresses, one connection each.
TEST_F(ConnectionLimitsTest, OneAddressCannotTakeTheLastSlots) {
  api::ServerOptions o = Options();
  o.max_connections = 8;
  o.max_connections_per_ip = 0;  // only the reserve protects the others here
  o.connection_reserve = 2;
  Start(o);
  Hold(6, "127.0.0.1");
  EXPECT_TRUE(Request("127.0.0.1").starts_with("HTTP/1.1 503"));
  std::string other = Request("127.0.0.2");
  EXPECT_TRUE(other.starts_with("HTTP/1.1 200")) << other;
  // The reserve is one connection per address: a second one from 127.0.0.2
  // waits like the first address's.
  Hold(1, "127.0.0.2");
  EXPECT_TRUE(Request("127.0.0.2").starts_with("HTTP/1.1 503"));
  EXPECT_TRUE(Request("127.0.0.3").starts_with("HTTP/1.1 200"));
  Hold(1, "127.0.0.3");
  // Full: everyone waits.
  EXPECT_TRUE(Request("127.0.0.4").starts_with("HTTP/1.1 503"));
}

TEST_F(ConnectionLimitsTest, ConnectionsPerAddressAreBounded) {
  api::ServerOptions o = Options();
  o.max_connections = 100;
  o.max_connections_per_ip = 3;
  Start(o);
  Hold(3, "127.0.0.1");
  std::string refused = Request("127.0.0.1");
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 429")) << refused;
  EXPECT_NE(refused.find("\"code\":\"too_many_connections\""), std::string::npos) << refused;
  EXPECT_TRUE(Request("127.0.0.2").starts_with("HTTP/1.1 200"));
  // A closed connection gives its address a slot back.
  held_.pop_back();
  for (int i = 0; i < 200 && server_->active_connections() > 2; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(Request("127.0.0.1").starts_with("HTTP/1.1 200"));
}

// The refusal's Content-Length is the length of the body sent.
TEST_F(ConnectionLimitsTest, RefusalIsAWellFormedResponse) {
  api::ServerOptions o = Options();
  o.max_connections = 1;
  Start(o);
  Hold(1, "127.0.0.1");
  for (const std::string source : {"127.0.0.1", "127.0.0.2"}) {
    std::string reply = Request(source);
    ASSERT_TRUE(reply.starts_with("HTTP/1.1 503")) << reply;
    auto end = reply.find("\r\n\r\n");
    ASSERT_NE(end, std::string::npos) << reply;
    std::string head = reply.substr(0, end), body = reply.substr(end + 4);
    auto at = head.find("Content-Length: ");
    ASSERT_NE(at, std::string::npos) << head;
    EXPECT_EQ(std::stoul(head.substr(at + 16)), body.size()) << reply;
    EXPECT_NE(head.find("Retry-After: 1"), std::string::npos) << head;
    Json problem = Json::parse(body, nullptr, false);
    EXPECT_EQ(problem.value("code", ""), "unavailable") << body;
    EXPECT_EQ(problem.value("status", 0), 503) << body;
  }
}

// The settings reach the server of `aiprod serve`.
class ConnectionSettingsTest : public ApiTest {
 protected:
  void Configure(Config& c) override { c.api.max_connections_per_ip = 2; }
};

TEST_F(ConnectionSettingsTest, PerAddressBoundComesFromTheConfig) {
  http_.reset();
  RawConn a(port_), b(port_);
  std::this_thread::sleep_for(200ms);
  RawConn c(port_);
  EXPECT_TRUE(c.ReadAll(2000).starts_with("HTTP/1.1 429"));
  RawConn d(port_, "127.0.0.2");
  d.Send(kGet);
  EXPECT_TRUE(d.ReadAll(3000).starts_with("HTTP/1.1 200"));
}

}  // namespace
}  // namespace aiprod::testing
