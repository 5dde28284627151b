// Job routes over real HTTP: creation (202, Location, idempotency, limits),
// listing with filters and cursors, manifest edits with If-Match, approve /
// reject / cancel / retry, event streams, artifacts with signed links and
// Range requests.
#include <thread>

#include "core/files.h"
#include "fixture.h"
#include "providers/translate/apertium.h"

namespace aiprod::testing {
namespace {

class JobsTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    editor_ = Key("editor", {"acme"});
  }
  std::string editor_;
};

TEST_F(JobsTest, CreateReturns202WithLocationAndTheJobCanBeRead) {
  auto r = http_->Post("/v1/jobs", R"({"content": "Fresh coffee.", "brand_id": "acme"})",
                       {Bearer(editor_)});
  ASSERT_EQ(r.status, 202) << r.body;
  std::string id = r.json()["id"];
  EXPECT_EQ(r.header("location"), "/v1/jobs/" + id);
  EXPECT_EQ(r.json()["state"], "queued");
  EXPECT_FALSE(r.header("x-request-id").empty());
  auto job = http_->Get("/v1/jobs/" + id, {Bearer(editor_)});
  ASSERT_EQ(job.status, 200);
  EXPECT_EQ(job.json()["content"], "Fresh coffee.");
  EXPECT_EQ(job.json()["state"], "queued");
  EXPECT_FALSE(job.json().contains("options"));  // no server paths
  EXPECT_FALSE(job.json().contains("lease"));
  // /pipeline/run is the same operation.
  auto compat = http_->Post("/pipeline/run", R"({"content": "Hi."})", {Bearer(editor_)});
  EXPECT_EQ(compat.status, 202) << compat.body;
}

TEST_F(JobsTest, BadInputIsAProblemNamingTheField) {
  auto r =
      http_->Post("/v1/jobs", R"({"content": "Hi.", "aspect_ratios": ["4:3"]})", {Bearer(editor_)});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(r.json()["code"], "invalid_input");
  EXPECT_EQ(r.json()["field"], "aspect_ratios[0]");
  r = http_->Post("/v1/jobs", R"({"content": "Hi.", "content": "twice"})", {Bearer(editor_)});
  EXPECT_EQ(r.status, 400);
  r = http_->Post("/v1/jobs", "content=hi", {Bearer(editor_), "Content-Type: text/plain"});
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(r.json()["code"], "unsupported_media_type");
  r = http_->Post("/v1/jobs", R"({"content": "Hi.", "webhook_url": "http://169.254.169.254/x"})",
                  {Bearer(editor_)});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["field"], "webhook_url");
  // Nothing was created.
  EXPECT_TRUE(http_->Get("/v1/jobs", {Bearer(editor_)}).json()["jobs"].empty());
}

TEST_F(JobsTest, WebhookUrlsGetTheSendersChecksAtCreation) {
  for (const char* url :
       {"https://localhost./h", "https://metadata.google.internal./x", "https://0x7f.1/h",
        "https://2130706433/h", "https://017700000001/h", "https://127.1/h",
        "https://[2002:a9fe:a9fe::]/h", "https://[64:ff9b:1::a00:1]/h",
        "https://[::ffff:0:a9fe:a9fe]/h", "http://hooks.example.com/h"}) {
    auto r = http_->Post("/v1/jobs", Json{{"content", "Hi."}, {"webhook_url", url}}.dump(),
                         {Bearer(editor_)});
    EXPECT_EQ(r.status, 400) << url << ": " << r.body;
    EXPECT_EQ(r.json()["field"], "webhook_url") << url;
  }
  EXPECT_TRUE(http_->Get("/v1/jobs", {Bearer(editor_)}).json()["jobs"].empty());
  auto ok = http_->Post(
      "/v1/jobs", Json{{"content", "Hi."}, {"webhook_url", "https://hooks.example.com/h"}}.dump(),
      {Bearer(editor_)});
  EXPECT_EQ(ok.status, 202) << ok.body;
}

TEST_F(JobsTest, BodyOverTheLimitIs413) {
  std::string big = R"({"content": ")" + std::string(300 << 10, 'a') + R"("})";
  auto r = http_->Post("/v1/jobs", big, {Bearer(editor_)});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.json()["code"], "payload_too_large");
}

TEST_F(JobsTest, HeadersOverTheLimitAre431) {
  auto r = http_->Get("/v1/jobs", {Bearer(editor_), "X-Big: " + std::string(20 << 10, 'h')});
  EXPECT_EQ(r.status, 431);
}

TEST_F(JobsTest, ContentLimitsOfTheBriefApply) {
  std::string long_brief = R"({"content": ")" + std::string(10'001, 'a') + R"("})";
  auto r = http_->Post("/v1/jobs", long_brief, {Bearer(editor_)});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["field"], "content");
}

TEST_F(JobsTest, IdempotencyKeyReturnsTheSameJob) {
  std::string body = R"({"content": "Once only.", "brand_id": "acme"})";
  auto a = http_->Post("/v1/jobs", body, {Bearer(editor_), "Idempotency-Key: order-42"});
  auto b = http_->Post("/v1/jobs", body, {Bearer(editor_), "Idempotency-Key: order-42"});
  ASSERT_EQ(a.status, 202);
  ASSERT_EQ(b.status, 202);
  EXPECT_EQ(a.json()["id"], b.json()["id"]);
  EXPECT_EQ(b.header("idempotent-replayed"), "true");
  auto c = http_->Post("/v1/jobs", R"({"content": "Something else."})",
                       {Bearer(editor_), "Idempotency-Key: order-42"});
  EXPECT_EQ(c.status, 422);
  EXPECT_EQ(c.json()["code"], "idempotency_key_reused");
  // Keys are per principal: another key's "order-42" is a different job.
  auto d =
      http_->Post("/v1/jobs", body, {Bearer(Key("editor", {"acme"})), "Idempotency-Key: order-42"});
  EXPECT_NE(d.json()["id"], a.json()["id"]);
  EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(editor_)}).json()["jobs"].size(), 2u);
}

TEST_F(JobsTest, ConcurrentRequestsWithOneIdempotencyKeyMakeOneJob) {
  std::vector<std::string> ids(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      HttpClient c(port_);
      auto r =
          c.Post("/v1/jobs", R"({"content": "Race."})", {Bearer(editor_), "Idempotency-Key: k"});
      ids[i] = r.json().value("id", "");
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(editor_)}).json()["jobs"].size(), 1u);
}

TEST_F(JobsTest, ListFiltersAndPaginatesWithACursor) {
  std::string globex = Key("editor", {"globex"});
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(CreateJob(editor_, {{"brand_id", "acme"}}));
    clock_.Advance(2);
  }
  CreateJob(globex, {{"brand_id", "globex"}});
  ASSERT_TRUE(store_->RequestCancel(ids[1], "t", clock_.NowMs()));
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    auto r = http_->Get("/v1/jobs?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor),
                        {Bearer(editor_)});
    ASSERT_EQ(r.status, 200) << r.body;
    Json page_body = r.json();  // the loop below must not iterate a temporary
    for (const auto& j : page_body["jobs"]) seen.push_back(j["id"]);
    if (page_body["next_cursor"].is_null()) break;
    cursor = page_body["next_cursor"];
  }
  EXPECT_EQ(seen, ids);  // oldest first, acme only
  auto cancelled = http_->Get("/v1/jobs?state=cancelled", {Bearer(editor_)}).json()["jobs"];
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(cancelled[0]["id"], ids[1]);
  EXPECT_EQ(http_->Get("/v1/jobs?brand=globex", {Bearer(editor_)}).json()["jobs"].size(), 0u);
  EXPECT_EQ(http_->Get("/v1/jobs?brand=globex", {Bearer(admin_)}).json()["jobs"].size(), 1u);
  EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(admin_)}).json()["jobs"].size(), 6u);
  EXPECT_EQ(http_->Get("/v1/jobs?state=nope", {Bearer(editor_)}).status, 400);
  EXPECT_EQ(http_->Get("/v1/jobs?limit=0", {Bearer(editor_)}).status, 400);
}

TEST_F(JobsTest, ManifestEditsNeedIfMatchAndAreRecorded) {
  std::string id = CreateJob(editor_, {{"brand_id", "acme"}, {"review", true}});
  std::string path = "/v1/jobs/" + id + "/manifest";
  EXPECT_EQ(http_->Get(path, {Bearer(editor_)}).status, 404);  // not planned yet
  ParkForReview(id);
  auto got = http_->Get(path, {Bearer(editor_)});
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.header("etag"), "\"1\"");
  Json edited = got.json();
  edited["variants"][0]["scenes"][0]["layers"][0]["text"] = "Hello, edited";

  auto r = http_->Put(path, edited.dump(), {Bearer(editor_)});
  EXPECT_EQ(r.status, 428);
  r = http_->Put(path, edited.dump(), {Bearer(editor_), "If-Match: \"7\""});
  EXPECT_EQ(r.status, 412);
  EXPECT_EQ(r.json()["code"], "precondition_failed");
  Json bad = edited;
  bad["variants"][0]["scenes"][0]["duration_s"] = 0;
  r = http_->Put(path, bad.dump(), {Bearer(editor_), "If-Match: \"1\""});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["field"], "variants[0].scenes[0].duration_s");
  r = http_->Put(path, edited.dump(), {Bearer(Key("viewer", {"acme"})), "If-Match: \"1\""});
  EXPECT_EQ(r.status, 403);

  r = http_->Put(path, edited.dump(), {Bearer(editor_), "If-Match: \"1\""});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("etag"), "\"2\"");
  auto job = store_->GetJob(id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->production_manifest["revision"], 2);
  EXPECT_EQ(job->production_manifest["variants"][0]["scenes"][0]["layers"][0]["text"],
            "Hello, edited");
  ASSERT_EQ(job->edits_history.size(), 1u);
  const Json& h = job->edits_history[0];
  EXPECT_EQ(h["revision"], 2);
  EXPECT_EQ(h["by"].get<std::string>().substr(0, 4), "key:");
  EXPECT_TRUE(h.contains("at"));
  EXPECT_EQ(h["changes"], Json::array({"en scene s1 changed"}));
  EXPECT_EQ(job->state, JobState::kAwaitingApproval);
  EXPECT_FALSE(job->run_after_ms);  // still parked
  // The old ETag no longer matches.
  EXPECT_EQ(http_->Put(path, edited.dump(), {Bearer(editor_), "If-Match: \"1\""}).status, 412);

  // Approve releases it; edits are over.
  auto a = http_->Post("/v1/jobs/" + id + "/approve", "", {Bearer(editor_)});
  ASSERT_EQ(a.status, 200) << a.body;
  job = store_->GetJob(id);
  EXPECT_TRUE(job->approved);
  EXPECT_TRUE(job->run_after_ms);
  EXPECT_EQ(http_->Put(path, edited.dump(), {Bearer(editor_), "If-Match: \"2\""}).status, 409);
}

TEST_F(JobsTest, ApprovalTakesTheRevisionTheReviewerSaw) {
  std::string id = CreateJob(editor_, {{"brand_id", "acme"}, {"review", true}});
  ParkForReview(id);
  std::string path = "/v1/jobs/" + id;
  Json seen = http_->Get(path + "/manifest", {Bearer(editor_)}).json();  // revision 1
  Json edited = seen;
  edited["variants"][0]["scenes"][0]["layers"][0]["text"] = "Edited meanwhile";
  ASSERT_EQ(
      http_->Put(path + "/manifest", edited.dump(), {Bearer(editor_), "If-Match: \"1\""}).status,
      200);
  // The reviewer approves what they saw, revision 1: refused, it is 2 now.
  auto r = http_->Post(path + "/approve", "", {Bearer(editor_), "If-Match: \"1\""});
  EXPECT_EQ(r.status, 412) << r.body;
  EXPECT_EQ(r.json()["code"], "precondition_failed");
  EXPECT_EQ(r.header("etag"), "\"2\"");
  r = http_->Post(path + "/approve", R"({"revision": 1})", {Bearer(editor_)});
  EXPECT_EQ(r.status, 412) << r.body;
  EXPECT_FALSE(store_->GetJob(id)->approved);
  EXPECT_EQ(http_->Post(path + "/approve", R"({"revision": "2"})", {Bearer(editor_)}).status, 400);
  EXPECT_EQ(
      http_->Post(path + "/approve", R"({"revision": 2})", {Bearer(editor_), "If-Match: \"3\""})
          .status,
      400);
  r = http_->Post(path + "/approve", R"({"revision": 2})", {Bearer(editor_)});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["approved_revision"], 2);
  Json view = http_->Get(path, {Bearer(editor_)}).json();
  EXPECT_EQ(view["approved_revision"], 2);
  EXPECT_EQ(view["approved"], true);
  // Edits are over once approved.
  EXPECT_EQ(
      http_->Put(path + "/manifest", edited.dump(), {Bearer(editor_), "If-Match: \"2\""}).status,
      409);
}

TEST_F(JobsTest, RejectFailsTheJobWithTheReason) {
  std::string id = CreateJob(editor_, {{"brand_id", "acme"}, {"review", true}});
  EXPECT_EQ(http_->Post("/v1/jobs/" + id + "/reject", "", {Bearer(editor_)}).status, 409);
  ParkForReview(id);
  auto r =
      http_->Post("/v1/jobs/" + id + "/reject", R"({"reason": "off brand"})", {Bearer(editor_)});
  ASSERT_EQ(r.status, 200) << r.body;
  auto job = store_->GetJob(id);
  EXPECT_EQ(job->state, JobState::kFailed);
  EXPECT_EQ(job->error, "rejected: off brand");
  // A rejected job can be retried: back to awaiting approval.
  auto retry = http_->Post("/v1/jobs/" + id + "/retry", "", {Bearer(editor_)});
  EXPECT_EQ(retry.status, 202) << retry.body;
  EXPECT_EQ(retry.json()["state"], "awaiting_approval");
}

// Approve, edit and reject write one audit row each, also when refused
// (pipeline/job_actions writes them for the API and the CLI alike).
TEST_F(JobsTest, ReviewActionsAreAudited) {
  std::string id = CreateJob(editor_, {{"brand_id", "acme"}, {"review", true}});
  std::string other = CreateJob(editor_, {{"brand_id", "acme"}, {"review", true}});
  ParkForReview(id);
  std::string path = "/v1/jobs/" + id;
  Json edited = http_->Get(path + "/manifest", {Bearer(editor_)}).json();
  edited["variants"][0]["scenes"][0]["layers"][0]["text"] = "Edited";
  ASSERT_EQ(
      http_->Put(path + "/manifest", edited.dump(), {Bearer(editor_), "If-Match: \"1\""}).status,
      200);
  ASSERT_EQ(http_->Post(path + "/approve", "", {Bearer(editor_)}).status, 200);
  EXPECT_EQ(http_->Post("/v1/jobs/" + other + "/approve", "", {Bearer(editor_)}).status, 409);
  ParkForReview(other);
  ASSERT_EQ(
      http_->Post("/v1/jobs/" + other + "/reject", R"({"reason": "off brand"})", {Bearer(editor_)})
          .status,
      200);
  struct Want {
    std::string action, target, outcome;
    Json detail;
  };
  const std::vector<Want> want = {
      {"job.edit", id, "success", {{"revision", 2}, {"changes", 1}}},
      {"job.approve", id, "success", {{"revision", 2}}},
      {"job.approve", other, "conflict", Json::object()},
      {"job.reject", other, "success", {{"reason", "off brand"}}},
  };
  std::vector<AuditEntry> rows;
  for (auto& r : AuditRows()) {
    if (r.entry.action.starts_with("job.") && r.entry.action != "job.create") {
      rows.push_back(r.entry);
    }
  }
  ASSERT_EQ(rows.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(rows[i].action, want[i].action) << i;
    EXPECT_EQ(rows[i].target, want[i].target) << i;
    EXPECT_EQ(rows[i].outcome, want[i].outcome) << i;
    EXPECT_EQ(rows[i].detail, want[i].detail) << i;
    EXPECT_TRUE(rows[i].principal.starts_with("key:")) << rows[i].principal;
    EXPECT_EQ(rows[i].brand, "acme");
  }
}

// The refusals of SubmitJob (pipeline/job_actions) that need a translator and
// brand kits, as the API answers them.
class JobsWithTranslatorTest : public JobsTest {
 protected:
  void SetUp() override {
    JobsTest::SetUp();
    if (HasFatalFailure()) return;
    server_->Shutdown();
    server_->Wait();
    api::ApiDeps deps = Deps(config_, Logger::Null());
    deps.translator = &translator_;
    server_ = std::make_unique<api::ApiServer>(deps, nullptr);
    auto port = server_->Start("127.0.0.1:0");
    ASSERT_TRUE(port) << port.error().ToString();
    http_ = std::make_unique<HttpClient>(*port);
  }
  ApertiumTranslator translator_;
};

TEST_F(JobsWithTranslatorTest, UnreachableLanguagesAndUnknownBrandsAreRefused) {
  auto r = http_->Post("/v1/jobs", R"({"content": "Hi.", "target_langs": ["en", "ja"]})",
                       {Bearer(editor_)});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json()["code"], "invalid_input");
  EXPECT_NE(r.json()["detail"].get<std::string>().find("no translation route"), std::string::npos)
      << r.body;
  // unknown_brand = "default" (the default): accepted, drawn with the default kit.
  EXPECT_EQ(
      http_->Post("/v1/jobs", R"({"content": "Hi.", "brand_id": "nobody-here"})", {Bearer(admin_)})
          .status,
      202);
  config_.unknown_brand = "error";  // read per request
  r = http_->Post("/v1/jobs", R"({"content": "Hi.", "brand_id": "nobody-here"})", {Bearer(admin_)});
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(r.json()["code"], "not_found");
  EXPECT_EQ(http_
                ->Post("/v1/jobs", R"({"content": "Hi.", "brand_id": "northwind-coffee"})",
                       {Bearer(admin_)})
                .status,
            202);
  EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(admin_)}).json()["jobs"].size(), 2u);
}

TEST_F(JobsTest, CancelAndRetry) {
  std::string id = CreateJob(editor_, {{"brand_id", "acme"}});
  EXPECT_EQ(http_->Post("/v1/jobs/" + id + "/retry", "", {Bearer(editor_)}).status, 409);
  auto r = http_->Post("/v1/jobs/" + id + "/cancel", "", {Bearer(editor_)});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["state"], "cancelled");
  EXPECT_EQ(http_->Post("/v1/jobs/" + id + "/cancel", "", {Bearer(editor_)}).status, 409);
  // A job a worker holds is cancelled at its next checkpoint: 202.
  std::string busy = CreateJob(editor_, {{"brand_id", "acme"}});
  ASSERT_TRUE(store_->Claim({"w:1:x", clock_.NowMs(), 60'000, busy}));
  r = http_->Post("/v1/jobs/" + busy + "/cancel", "", {Bearer(editor_)});
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.json()["cancel_requested"], true);
}

TEST_F(JobsTest, ActiveJobsPerBrandAreLimited) {
  config_.limits.max_active_jobs_per_brand = 2;  // read per request
  CreateJob(editor_, {{"brand_id", "acme"}});
  CreateJob(editor_, {{"brand_id", "acme"}});
  auto r = http_->Post("/v1/jobs", R"({"content": "Third."})", {Bearer(editor_)});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.json()["code"], "too_many_active_jobs");
  EXPECT_FALSE(r.header("retry-after").empty());
  // Another brand is not affected.
  EXPECT_EQ(
      http_->Post("/v1/jobs", R"({"content": "Hi."})", {Bearer(Key("editor", {"globex"}))}).status,
      202);
}

TEST_F(JobsTest, RetryCountsAgainstTheActiveJobCap) {
  std::string failed = CreateJob(editor_, {{"brand_id", "acme"}, {"review", true}});
  ParkForReview(failed);
  ASSERT_EQ(http_->Post("/v1/jobs/" + failed + "/reject", "", {Bearer(editor_)}).status, 200);
  std::string running = CreateJob(editor_, {{"brand_id", "acme"}});
  config_.limits.max_active_jobs_per_brand = 1;  // read per request
  auto r = http_->Post("/v1/jobs/" + failed + "/retry", "", {Bearer(editor_)});
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(r.json()["code"], "too_many_active_jobs");
  EXPECT_FALSE(r.header("retry-after").empty());
  EXPECT_EQ(store_->GetJob(failed)->state, JobState::kFailed);
  // Once the brand is under its cap again, the retry goes through.
  ASSERT_EQ(http_->Post("/v1/jobs/" + running + "/cancel", "", {Bearer(editor_)}).status, 200);
  EXPECT_EQ(http_->Post("/v1/jobs/" + failed + "/retry", "", {Bearer(editor_)}).status, 202);
}

TEST_F(JobsTest, EventsStreamUntilTheJobFinishes) {
  std::string id = CreateJob(editor_, {{"brand_id", "acme"}});
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    HttpClient c(port_);
    c.Post("/v1/jobs/" + id + "/cancel", "", {Bearer(editor_)});
  });
  auto r = http_->Stream(
      "/v1/jobs/" + id + "/events", {Bearer(editor_)}, [](const std::string&) { return true; }, 20);
  canceller.join();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/event-stream");
  EXPECT_NE(r.body.find("event: created\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"to_state\":\"cancelled\""), std::string::npos) << r.body;
  // Resuming after the last id sends only what came later (nothing: it ended).
  auto first_id = r.body.substr(r.body.find("id: ") + 4);
  first_id = first_id.substr(0, first_id.find('\n'));
  auto again = http_->Stream(
      "/v1/jobs/" + id + "/events", {Bearer(editor_), "Last-Event-ID: " + first_id},
      [](const std::string&) { return true; }, 20);
  EXPECT_EQ(again.body.find("event: created"), std::string::npos);
  EXPECT_NE(again.body.find("cancelled"), std::string::npos);
}

class ArtifactsTest : public JobsTest {
 protected:
  void SetUp() override {
    JobsTest::SetUp();
    video_ = dir_.File("out/en-16x9.mp4");
    for (int i = 0; i < 1000; ++i) content_ += static_cast<char>('a' + i % 26);
    ASSERT_TRUE(WriteFileAtomic(video_, content_));
    id_ = CreateJob(editor_, {{"brand_id", "acme"}});
  }
  std::string VideoUrl() {
    auto r = http_->Get("/v1/jobs/" + id_ + "/artifacts", {Bearer(editor_)});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["artifacts"][0]["url"];
  }
  std::string video_, content_, id_;
};

TEST_F(ArtifactsTest, NotDeliveredYet) {
  EXPECT_EQ(http_->Get("/v1/jobs/" + id_ + "/artifacts", {Bearer(editor_)}).status, 409);
}

// '+' in a path is a plus (RFC 3986), not a space: a file named a+b.mp4
// is served by its link (the signature covers the name as it is).
TEST_F(ArtifactsTest, APlusInAPathStaysAPlus) {
  std::string plus = dir_.File("out/a+b.mp4");
  ASSERT_TRUE(WriteFileAtomic(plus, content_));
  Deliver(id_, plus);
  std::string url = VideoUrl();
  EXPECT_NE(url.find("/a+b.mp4?"), std::string::npos) << url;
  auto r = http_->Get(url);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, content_);
}

TEST_F(ArtifactsTest, SignedLinksServeFilesWithRanges) {
  Deliver(id_, video_);
  auto list = http_->Get("/v1/jobs/" + id_ + "/artifacts", {Bearer(editor_)}).json();
  ASSERT_EQ(list["artifacts"].size(), 1u);
  EXPECT_EQ(list["artifacts"][0]["name"], "en-16x9.mp4");
  std::string url = list["artifacts"][0]["url"];
  EXPECT_EQ(url.find(video_), std::string::npos);  // no server path in the link
  // No credentials needed: the signature is the credential.
  auto whole = http_->Get(url);
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_EQ(whole.body, content_);
  EXPECT_EQ(whole.header("accept-ranges"), "bytes");
  EXPECT_EQ(whole.header("content-type"), "video/mp4");
  auto part = http_->Get(url, {"Range: bytes=10-19"});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, content_.substr(10, 10));
  EXPECT_EQ(part.header("content-range"), "bytes 10-19/1000");
  auto tail = http_->Get(url, {"Range: bytes=-5"});
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, content_.substr(995));
  auto open = http_->Get(url, {"Range: bytes=990-"});
  EXPECT_EQ(open.body, content_.substr(990));
  auto beyond = http_->Get(url, {"Range: bytes=5000-"});
  EXPECT_EQ(beyond.status, 416);
  EXPECT_EQ(beyond.header("content-range"), "bytes */1000");
  // Keep-alive survives a sized stream: the next request reuses the connection.
  EXPECT_EQ(http_->Get(url, {"Range: bytes=0-0"}).new_connections, 0);
  auto qa = http_->Get(list["qa"].get<std::string>());
  EXPECT_EQ(qa.status, 200);
  EXPECT_EQ(qa.body, "{\"ok\":true}");
}

TEST_F(ArtifactsTest, TamperedOrExpiredLinksAre403) {
  Deliver(id_, video_);
  std::string url = VideoUrl();
  std::string tampered_sig = url;
  tampered_sig.back() = tampered_sig.back() == '0' ? '1' : '0';
  EXPECT_EQ(http_->Get(tampered_sig).status, 403);
  auto e = url.find("expires=") + 8;
  std::string later = url.substr(0, e) + "9" + url.substr(e);  // a longer life
  EXPECT_EQ(http_->Get(later).status, 403);
  std::string other_file = url;
  other_file.replace(other_file.find("en-16x9.mp4"), 11, "qa.json");
  EXPECT_EQ(http_->Get(other_file).status, 403);
  EXPECT_EQ(http_->Get(url.substr(0, url.find('?'))).status, 403);
  EXPECT_EQ(http_->Get(url).status, 200);
  clock_.Advance(static_cast<int64_t>(config_.api.link_ttl_s * 1000) + 2000);
  auto expired = http_->Get(url);
  EXPECT_EQ(expired.status, 403);
  EXPECT_EQ(expired.json()["detail"], "the link has expired");
}

}  // namespace
}  // namespace aiprod::testing
