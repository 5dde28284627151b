// The HTTP server itself: keep-alive, slow clients, the connection bound, and
// graceful shutdown of `aiprod serve` on SIGTERM; plus one tiny job run end to
// end by the in-process worker.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "core/files.h"
#include "creative/brand_source.h"
#include "fixture.h"
#include "pipeline/engines.h"
#include "raw_conn.h"
#include "testing/process.h"

namespace aiprod::testing {
namespace {

class ServerTest : public ApiTest {
 protected:
  void Configure(Config& c) override {
    c.api.read_timeout_s = 0.5;
    c.api.keepalive_timeout_s = 1;
    c.api.max_connections = 3;
  }
};

TEST_F(ServerTest, KeepAliveReusesTheConnection) {
  EXPECT_EQ(http_->Get("/health").new_connections, 1);
  EXPECT_EQ(http_->Get("/health").new_connections, 0);
  EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(admin_)}).new_connections, 0);
}

TEST_F(ServerTest, SlowClientIsCutOff) {
  RawConn c(port_);
  ASSERT_TRUE(c.connected());
  c.Send("GET /health HTTP/1.1\r\nHost: x\r\n");  // never finishes the headers
  auto start = std::chrono::steady_clock::now();
  c.ReadAll(5000);
  EXPECT_TRUE(c.closed());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosed) {
  RawConn c(port_);
  c.Send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string reply = c.ReadAll(3000);
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200")) << reply;
  EXPECT_TRUE(c.closed());  // after the 1 s keep-alive timeout
}

TEST_F(ServerTest, MalformedRequestIs400) {
  RawConn c(port_);
  c.Send("NOT AN HTTP REQUEST\r\n\r\n");
  std::string reply = c.ReadAll(2000);
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 400")) << reply;
  EXPECT_NE(reply.find("\"code\":\"bad_request\""), std::string::npos);
}

TEST_F(ServerTest, ConnectionsAreBounded) {
  http_.reset();
  std::vector<std::unique_ptr<RawConn>> held;
  for (int i = 0; i < 3; ++i) held.push_back(std::make_unique<RawConn>(port_));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  RawConn extra(port_);
  std::string reply = extra.ReadAll(2000);
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 503")) << reply;
  held.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  HttpClient again(port_);
  EXPECT_EQ(again.Get("/health").status, 200);
}

// `aiprod serve` as a process: SIGTERM stops accepting, finishes the request
// in flight, exits 0.
TEST(ServeProcessTest, SigtermDrainsAndExitsZero) {
  TempDir dir;
  std::string db = dir.File("aiprod.db");
  std::vector<std::string> env = {
      "AIPROD_DATA_DIR=" + dir.File("data"),
      "AIPROD_SIGNING_SECRET=" + std::string(16, 'a') + "bcdefghijklmnopqrstuvwxyz0123456",
      "AIPROD_LOG_LEVEL=warn"};
  auto key = RunProcess(
      {AiprodBinary(), "--db", db, "keys", "create", "--role", "admin", "--brand", "*"}, env);
  ASSERT_EQ(key.exit_code, 0) << key.err;
  std::string api_key = key.out.substr(0, key.out.find('\n'));
  pid_t pid =
      StartProcess({AiprodBinary(), "--db", db, "serve", "--no-worker", "--listen", "127.0.0.1:0"},
                   dir.File("out.txt"), dir.File("err.txt"), env);
  ASSERT_GT(pid, 0);
  int port = 0;
  for (int i = 0; i < 200 && port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto out = ReadFile(dir.File("out.txt"));
    if (out && out->find("listening on port ") != std::string::npos) {
      port = std::atoi(out->c_str() + out->find("port ") + 5);
    }
  }
  ASSERT_GT(port, 0) << ReadFile(dir.File("err.txt")).value_or("");
  {
    HttpClient c(port);
    ASSERT_EQ(c.Get("/v1/jobs", {Bearer(api_key)}).status, 200);
  }
  // A request in flight: headers sent, body not yet.
  std::string body = R"({"content": "In flight."})";
  RawConn inflight(port);
  inflight.Send("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + api_key +
                "\r\nContent-Type: application/json\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  kill(pid, SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  RawConn late(port);
  EXPECT_FALSE(late.connected());  // no longer accepting
  inflight.Send(body);
  std::string reply = inflight.ReadAll(5000);
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 202")) << reply;
  EXPECT_NE(reply.find("Connection: close"), std::string::npos) << reply;
  EXPECT_EQ(WaitProcess(pid), 0) << ReadFile(dir.File("err.txt")).value_or("");
  auto jobs = RunProcess({AiprodBinary(), "--db", db, "jobs", "list", "--json"}, env);
  EXPECT_EQ(Json::parse(jobs.out)["jobs"].size(), 1u);
}

TEST(ServeProcessTest, ProductionRefusesToStartWithoutSecrets) {
  TempDir dir;
  auto r =
      RunProcess({AiprodBinary(), "--db", dir.File("a.db"), "serve", "--listen", "127.0.0.1:0"},
                 {"AIPROD_ENV=production", "AIPROD_DATA_DIR=" + dir.File("data"),
                  "AIPROD_SIGNING_SECRET=" + std::string(40, 'z') + "q", "AIPROD_AUTH_MODE=off"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("auth.mode"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(std::string(40, 'z')), std::string::npos);  // never echo a secret
}

// The in-process worker renders a one-sentence brief; the artifacts come back
// through signed links with Range support.
class EndToEndTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    // Restart the server with a worker.
    server_->Shutdown();
    server_->Wait();
    server_.reset();
    services_.config = &config_;
    services_.clock = &system_clock_;
    brands_ = std::make_unique<FileBrandSource>(config_.brands_dir);
    services_.brands = brands_.get();
    engines_ = MakeEngines(config_);
    engines_.Attach(services_);
    services_.cores = 2;
    worker_ = std::make_unique<Worker>(*store_, services_, DefaultStages,
                                       WorkerOptions{1, false, config_.DatabasePath()});
    api::ApiDeps deps{&config_, &system_clock_, store_, db_.get(), nullptr, Logger::Null()};
    server_ = std::make_unique<api::ApiServer>(deps, worker_.get());
    auto port = server_->Start("127.0.0.1:0");
    ASSERT_TRUE(port);
    http_ = std::make_unique<HttpClient>(*port);
  }
  void Configure(Config& c) override {
    c.queue.poll_ms = 50;
    c.render.x264_preset = "ultrafast";
  }
  SystemClock system_clock_;
  PipelineServices services_;
  std::unique_ptr<BrandSource> brands_;
  Engines engines_;
  std::unique_ptr<Worker> worker_;
};

TEST_F(EndToEndTest, TinyJobIsRenderedAndServed) {
  std::string id = CreateJob(admin_, {{"content", "Fresh coffee every morning."},
                                      {"aspect_ratios", {"16:9"}},
                                      {"target_langs", {"en"}}});
  std::string state;
  for (int i = 0; i < 1200 && state != "delivered"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    state = http_->Get("/v1/jobs/" + id, {Bearer(admin_)}).json().value("state", "");
    if (state == "failed" || state == "dead" || state == "qa_failed") break;
  }
  ASSERT_EQ(state, "delivered") << http_->Get("/v1/jobs/" + id, {Bearer(admin_)}).body;
  auto list = http_->Get("/v1/jobs/" + id + "/artifacts", {Bearer(admin_)}).json();
  ASSERT_EQ(list["artifacts"].size(), 1u);
  std::string url = list["artifacts"][0]["url"];
  auto head = http_->Get(url, {"Range: bytes=0-7"});
  EXPECT_EQ(head.status, 206);
  EXPECT_EQ(head.body.substr(4, 4), "ftyp");  // an MP4
  auto m = http_->Get("/metrics", {Bearer(admin_)});
  EXPECT_NE(m.body.find("aiprod_stage_duration_seconds_count{stage=\"render\"} 1"),
            std::string::npos);
}

}  // namespace
}  // namespace aiprod::testing
