// Job event streams over real HTTP: a finished job's stream ends and a
// reconnect past its last event answers 204; stream tokens (?token=) for
// browsers' EventSource, scoped to one job and one caller, short-lived and
// re-checked; open streams end when their key is revoked or their JWT
// expires; streams per principal are limited; and a real EventSource client
// (the `eventsource` npm package, tests/node) follows a job to the end and
// stops.
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "core/files.h"
#include "fixture.h"
#include "store/api_keys.h"
#include "testing/process.h"

namespace aiprod::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Waits up to `bound` for `done`; true if it came true.
template <class F>
bool WaitFor(F done, std::chrono::milliseconds bound = std::chrono::seconds(10)) {
  auto until = Clock::now() + bound;
  while (!done()) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// A stream read on a thread of its own until the server ends it (or 20 s).
struct BackgroundStream {
  BackgroundStream(int port, std::string path, std::vector<std::string> headers) {
    thread = std::thread([this, port, path = std::move(path), headers = std::move(headers)] {
      HttpClient c(port);
      reply = c.Stream(
          path, headers,
          [this](const std::string& all) {
            if (all.find("event: created\n") != std::string::npos) started = true;
            return true;
          },
          20);
      ended_at = Clock::now();
      ended = true;
    });
  }
  ~BackgroundStream() { Join(); }
  void Join() {
    if (thread.joinable()) thread.join();
  }
  std::thread thread;
  std::atomic<bool> started{false}, ended{false};
  Clock::time_point ended_at;
  HttpReply reply;
};

class EventsTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    editor_ = Key("editor", {"acme"});
    video_ = dir_.File("out/en-16x9.mp4");
    ASSERT_TRUE(WriteFileAtomic(video_, "not really a video"));
  }
  std::string Events(const std::string& id) { return "/v1/jobs/" + id + "/events"; }
  // A job of brand acme taken through review to delivered.
  std::string DeliveredJob() {
    std::string id = CreateJob(editor_, {{"brand_id", "acme"}});
    ReviewAndDeliver(id);
    return id;
  }
  void ReviewAndDeliver(const std::string& id) {
    ParkForReview(id);
    EXPECT_EQ(http_->Post("/v1/jobs/" + id + "/approve", "", {Bearer(editor_)}).status, 200);
    Deliver(id, video_);
  }
  Json Token(const std::string& id, const std::string& credential) {
    auto r = http_->Post(Events(id) + "/token", "", {Bearer(credential)});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  // Reads a whole stream that is expected to end by itself.
  HttpReply ReadToEnd(const std::string& path, std::vector<std::string> headers = {}) {
    auto t0 = Clock::now();
    auto r = http_->Stream(
        path, std::move(headers), [](const std::string&) { return true; }, 20);
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(10)) << "the stream did not end";
    return r;
  }
  std::string KeyIdOf(const std::string& key) {
    auto record = db_->api_keys().FindActive(key);
    EXPECT_TRUE(record);
    return record ? record->id : "";
  }
  static std::string LastId(const std::string& body) {
    auto at = body.rfind("id: ");
    return at == std::string::npos ? "" : body.substr(at + 4, body.find('\n', at) - at - 4);
  }
  std::string editor_, video_;
};

TEST_F(EventsTest, AFinishedJobsStreamEndsAndAReconnectPastItsLastEventIs204) {
  std::string id = DeliveredJob();
  auto all = ReadToEnd(Events(id), {Bearer(editor_)});
  ASSERT_EQ(all.status, 200);
  EXPECT_NE(all.body.find("\"to_state\":\"delivered\""), std::string::npos) << all.body;
  std::string last = LastId(all.body);
  ASSERT_FALSE(last.empty()) << all.body;
  // What a standard client does next: reconnect with Last-Event-ID. Nothing
  // is left and nothing will come: 204, the standard's "stop reconnecting".
  auto again = http_->Get(Events(id), {Bearer(editor_), "Last-Event-ID: " + last});
  EXPECT_EQ(again.status, 204) << again.body;
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(http_->Get(Events(id) + "?after=" + last, {Bearer(editor_)}).status, 204);
  EXPECT_EQ(http_->Get(Events(id), {Bearer(editor_), "Last-Event-ID: 999999999"}).status, 204);
  // An earlier id still gets the rest.
  auto rest = ReadToEnd(Events(id) + "?after=1", {Bearer(editor_)});
  EXPECT_EQ(rest.status, 200);
  EXPECT_NE(rest.body.find("id: " + last + "\n"), std::string::npos) << rest.body;
}

TEST_F(EventsTest, AStreamTokenOpensTheStreamOfItsJobForItsCallerOnly) {
  std::string id = DeliveredJob();
  std::string other = CreateJob(editor_, {{"brand_id", "acme"}});
  // A viewer may ask; the answer names the token, its expiry and the URL.
  Json t = Token(id, Key("viewer", {"acme"}));
  std::string token = t.value("token", "");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(t["url"], Events(id) + "?token=" + token);
  EXPECT_EQ(token.find_first_of("+%/= "), std::string::npos) << token;  // URL-safe as it is
  auto with_token = ReadToEnd(t["url"]);
  ASSERT_EQ(with_token.status, 200) << with_token.body;
  EXPECT_NE(with_token.body.find("event: created\n"), std::string::npos);
  // Another job's path, an altered token, no token: refused.
  auto wrong_job = http_->Get(Events(other) + "?token=" + token);
  EXPECT_EQ(wrong_job.status, 401) << wrong_job.body;
  EXPECT_EQ(wrong_job.json()["code"], "unauthorized");
  std::string altered = token;
  altered.back() = altered.back() == '0' ? '1' : '0';
  EXPECT_EQ(http_->Get(Events(id) + "?token=" + altered).status, 401);
  EXPECT_EQ(http_->Get(Events(id) + "?token=").status, 401);
  EXPECT_EQ(http_->Get(Events(id)).status, 401);
  // No token for a job the caller cannot see.
  auto foreign = http_->Post(Events(id) + "/token", "", {Bearer(Key("viewer", {"globex"}))});
  EXPECT_EQ(foreign.status, 404);
  // A token is no file link, and a file link's signature no token.
  auto links = http_->Get("/v1/jobs/" + id + "/artifacts", {Bearer(editor_)}).json();
  std::string link = links["artifacts"][0]["url"];
  std::string sig = link.substr(link.find("sig=") + 4);
  EXPECT_EQ(http_->Get(Events(id) + "?token=1.0.a2V5Onh4." + sig).status, 401);
  bool refused = false;
  for (const auto& row : AuditRows()) {
    refused = refused ||
              (row.entry.action == "auth.failure" && row.entry.outcome == "stream_token_invalid");
  }
  EXPECT_TRUE(refused);
}

TEST_F(EventsTest, AnExpiredStreamTokenIsRefused) {
  std::string id = DeliveredJob();
  Json t = Token(id, editor_);
  int64_t now_ms = clock_.NowMs();
  EXPECT_EQ(t["expires_at"],
            FormatTimestamp((now_ms / 1000 + 60) * 1000));  // api.stream_token_ttl_s
  clock_.Advance(61'000);
  auto r = http_->Get(t["url"]);
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_NE(r.json().value("detail", "").find("expired"), std::string::npos) << r.body;
}

TEST_F(EventsTest, ARevokedKeysStreamTokenIsRefused) {
  std::string id = DeliveredJob();
  std::string key = Key("viewer", {"acme"});
  Json t = Token(id, key);
  ASSERT_EQ(http_->Request("DELETE", "/v1/api-keys/" + KeyIdOf(key), {Bearer(admin_)}).status, 204);
  EXPECT_EQ(http_->Get(t["url"]).status, 401);
}

TEST_F(EventsTest, AnOpenStreamEndsWhenItsKeyIsRevoked) {
  std::string key = Key("viewer", {"acme"});
  std::string key_id = KeyIdOf(key);
  std::string id = CreateJob(editor_, {{"brand_id", "acme"}});  // stays queued: no end of its own
  BackgroundStream s(port_, Events(id), {Bearer(key)});
  ASSERT_TRUE(WaitFor([&] { return s.started.load(); }));
  ASSERT_EQ(http_->Request("DELETE", "/v1/api-keys/" + key_id, {Bearer(admin_)}).status, 204);
  // The stream looks at its key again every api.stream_recheck_s (5 s).
  clock_.Advance(5'001);
  auto revoked_at = Clock::now();
  ASSERT_TRUE(WaitFor([&] { return s.ended.load(); }, std::chrono::seconds(5)))
      << "the stream went on after its key was revoked";
  s.Join();
  EXPECT_LT(s.ended_at - revoked_at, std::chrono::seconds(5));
  EXPECT_NE(s.reply.body.find(": credentials revoked\n"), std::string::npos) << s.reply.body;
  // A stream of a key that is still valid goes on.
  BackgroundStream alive(port_, Events(id), {Bearer(editor_)});
  ASSERT_TRUE(WaitFor([&] { return alive.started.load(); }));
  clock_.Advance(5'001);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(alive.ended);
  EXPECT_EQ(http_->Post("/v1/jobs/" + id + "/cancel", "", {Bearer(editor_)}).status, 200);
  alive.Join();
}

TEST_F(EventsTest, AJwtStreamEndsAtTheTokensExpiry) {
  std::string id = CreateJob(editor_, {{"brand_id", "acme"}});
  Json claims = Claims("dana", "viewer", {"acme"});
  claims["exp"] = clock_.NowMs() / 1000 + 30;
  std::string jwt = Hs256(claims);
  // Its stream token lasts no longer than the JWT either.
  Json t = Token(id, jwt);
  EXPECT_EQ(t["expires_at"], FormatTimestamp(claims["exp"].get<int64_t>() * 1000));
  BackgroundStream by_header(port_, Events(id), {Bearer(jwt)});
  BackgroundStream by_token(port_, t["url"], {});
  ASSERT_TRUE(WaitFor([&] { return by_header.started && by_token.started; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(by_header.ended || by_token.ended);
  clock_.Advance(31'000);
  ASSERT_TRUE(WaitFor([&] { return by_header.ended && by_token.ended; }, std::chrono::seconds(5)));
  EXPECT_NE(by_header.reply.body.find(": credentials expired\n"), std::string::npos);
  EXPECT_NE(by_token.reply.body.find(": credentials expired\n"), std::string::npos);
}

TEST_F(EventsTest, StreamsPerPrincipalAreLimited) {
  config_.api.max_streams_per_principal = 2;  // read per request
  std::string id = CreateJob(editor_, {{"brand_id", "acme"}});
  {
    BackgroundStream a(port_, Events(id), {Bearer(editor_)});
    BackgroundStream b(port_, Events(id), {Bearer(editor_)});
    ASSERT_TRUE(WaitFor([&] { return a.started && b.started; }));
    // (Read as streams with a short timeout: a stream let through would not end.)
    auto one_more = [&](const std::string& path, std::vector<std::string> headers) {
      return http_->Stream(
          path, std::move(headers), [](const std::string&) { return true; }, 5);
    };
    auto third = one_more(Events(id), {Bearer(editor_)});
    EXPECT_EQ(third.status, 429) << third.body;
    EXPECT_EQ(third.json()["code"], "too_many_streams");
    EXPECT_FALSE(third.header("retry-after").empty());
    // By token it is the same principal.
    EXPECT_EQ(one_more(Token(id, editor_)["url"], {}).status, 429);
    // The job ends: so do its streams, and their places are given back.
    EXPECT_EQ(http_->Post("/v1/jobs/" + id + "/cancel", "", {Bearer(editor_)}).status, 200);
  }
  auto after = ReadToEnd(Events(id), {Bearer(editor_)});
  EXPECT_EQ(after.status, 200) << after.body;
}

// Tokens sit in URLs: the access log names the route, never the query.
TEST_F(EventsTest, TheAccessLogNamesTheRouteNotTheToken) {
  std::string id = DeliveredJob();
  std::string token = Token(id, editor_)["token"];
  // A second server on the same database, logging every request.
  std::string log_path = dir_.File("access.log");
  FILE* log = std::fopen(log_path.c_str(), "w");
  ASSERT_NE(log, nullptr);
  Config config = config_;
  config.log_level = "info";
  {
    api::ApiServer server(Deps(config, Logger(LogLevel::kInfo, LogFormat::kJson, log)), nullptr);
    auto port = server.Start("127.0.0.1:0");
    ASSERT_TRUE(port) << port.error().ToString();
    HttpClient c(*port);
    auto r = c.Stream(
        Events(id) + "?token=" + token, {}, [](const std::string&) { return true; }, 20);
    EXPECT_EQ(r.status, 200);
    server.Shutdown();
    server.Wait();
  }
  std::fclose(log);
  auto text = ReadFile(log_path);
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("/v1/jobs/{id}/events"), std::string::npos) << *text;
  EXPECT_EQ(text->find(token), std::string::npos) << *text;
  EXPECT_EQ(text->find("token="), std::string::npos) << *text;
}

// A real EventSource client: it follows the job live through ?token=, gets
// every event, and once the job is delivered it stops (a 204 on its
// reconnect) instead of reconnecting forever.
TEST_F(EventsTest, ARealEventSourceClientFollowsAJobToTheEndAndStops) {
  std::string node_dir = SourceDir() + "/tests/node";
  ASSERT_TRUE(std::filesystem::exists(node_dir + "/node_modules/eventsource/package.json"))
      << "the eventsource npm package is missing: run scripts/setup (npm ci in tests/node)";
  std::string id = CreateJob(editor_, {{"brand_id", "acme"}});
  Json t = Token(id, Key("viewer", {"acme"}));
  std::string out = dir_.File("client.out"), err = dir_.File("client.err");
  auto t0 = Clock::now();
  pid_t pid = StartProcess(
      {"/usr/bin/node", node_dir + "/eventsource_client.mjs",
       "http://127.0.0.1:" + std::to_string(port_) + t["url"].get<std::string>(), "20000"},
      out, err);
  ASSERT_GT(pid, 0);
  auto read = [&](const std::string& file) {
    auto text = ReadFile(file, 1 << 20);
    return text ? *text : std::string();
  };
  // Live: the job moves while the client watches.
  EXPECT_TRUE(WaitFor([&] { return read(out).find("\"created\"") != std::string::npos; }))
      << read(out) << read(err);
  ReviewAndDeliver(id);
  int code = WaitProcess(pid);
  auto took = Clock::now() - t0;
  std::string lines = read(out);
  EXPECT_EQ(code, 0) << lines << read(err);
  EXPECT_LT(took, std::chrono::seconds(15)) << lines;
  std::vector<Json> seen;
  std::istringstream in(lines);
  for (std::string line; std::getline(in, line);) seen.push_back(Json::parse(line));
  std::vector<std::string> events, ids;
  int opens = 0;
  for (const auto& e : seen) {
    if (e["type"] == "open") ++opens;
    if (e["type"] == "event") {
      events.push_back(e["event"]);
      ids.push_back(e["id"]);
    }
  }
  // Every event of the job, once each, in order.
  auto all = store_->ListEvents(id);
  ASSERT_TRUE(all);
  ASSERT_EQ(events.size(), all->size()) << lines;
  for (size_t i = 0; i < all->size(); ++i) {
    EXPECT_EQ(events[i], (*all)[i].type);
    EXPECT_EQ(ids[i], std::to_string((*all)[i].id));
  }
  // One stream to the end, one reconnect answered 204, and the client gave up.
  EXPECT_EQ(opens, 1) << lines;
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen[seen.size() - 2]["type"], "error");
  EXPECT_EQ(seen[seen.size() - 2]["code"], 204) << lines;
  EXPECT_EQ(seen.back()["type"], "closed");
}

}  // namespace
}  // namespace aiprod::testing
