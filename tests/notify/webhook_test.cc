// Webhooks: delivered to a local receiver with a verifiable signature,
// retried with backoff after failures (every attempt recorded), refused for
// this network's own addresses unless allowed, also when a redirect leads
// there; and sent by the runner when a job ends.
#include <gtest/gtest.h>

#include "core/hash.h"
#include "core/ids.h"
#include "failing_stage.h"
#include "http_receiver.h"
#include "notify/webhook_outbox.h"
#include "notify/webhook_signature.h"
#include "pipeline/job_end_hook.h"
#include "pipeline/runner.h"
#include "store/database.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

using testing::FailingStage;
using testing::HttpReceiver;
using testing::ScriptedAnswer;

constexpr const char* kSecret = "webhook-secret-webhook-secret-32";

class WebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = OpenDatabase(dir_.File("aiprod.db"));
    ASSERT_TRUE(db);
    db_ = std::move(*db);
    store_ = &db_->store();
    ASSERT_TRUE(store_->Migrate());
  }
  // Loopback and plain http allowed, as a test receiver needs.
  WebhookOptions TestOptions() {
    WebhookOptions o;
    o.policy = {.allow_http = true, .allow_loopback = true, .allow_private = false};
    o.secret = kSecret;
    o.max_attempts = 4;
    o.backoff_base_s = 5;
    o.timeout_s = 5;
    return o;
  }
  WebhookOutbox Outbox(WebhookOptions o) {
    return WebhookOutbox(db_->webhook_deliveries(), std::move(o), clock_);
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Database> db_;
  Store* store_ = nullptr;  // db_'s
};

TEST_F(WebhookTest, DeliveredWithAVerifiableSignature) {
  HttpReceiver receiver;
  auto outbox = Outbox(TestOptions());
  auto id = outbox.Enqueue("job-1", "job.delivered", receiver.Url(), {{"job_id", "job-1"}});
  ASSERT_TRUE(id) << id.error().ToString();
  auto d = outbox.Attempt(*id);
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_EQ(d->state, "delivered") << d->last_error;
  EXPECT_EQ(d->attempts, 1);
  EXPECT_FALSE(d->next_attempt_ms);

  auto got = receiver.requests();
  ASSERT_EQ(got.size(), 1u);
  const auto& req = got[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/hook");
  EXPECT_EQ(req.headers.at("content-type"), "application/json");
  EXPECT_EQ(req.headers.at("x-aiprod-event"), "job.delivered");
  EXPECT_EQ(req.headers.at("x-aiprod-delivery"), *id);
  const std::string& sig = req.headers.at("x-aiprod-signature");
  const int64_t now_s = clock_.NowMs() / 1000;
  EXPECT_EQ(sig.substr(0, sig.find(',')), "t=" + std::to_string(now_s));
  EXPECT_EQ(VerifyWebhookSignature(kSecret, req.body, sig, now_s), WebhookVerdict::kValid);
  EXPECT_EQ(VerifyWebhookSignature("another secret", req.body, sig, now_s),
            WebhookVerdict::kBadSignature);
  EXPECT_EQ(VerifyWebhookSignature(kSecret, req.body + " ", sig, now_s),
            WebhookVerdict::kBadSignature);
  Json body = Json::parse(req.body);
  EXPECT_EQ(body["job_id"], "job-1");
  EXPECT_EQ(body["delivery_id"], *id);
  EXPECT_EQ(body["event"], "job.delivered");

  auto attempts = outbox.Attempts(*id);
  ASSERT_TRUE(attempts);
  ASSERT_EQ(attempts->size(), 1u);
  EXPECT_EQ((*attempts)[0].http_status, 200);
  EXPECT_EQ((*attempts)[0].outcome, "delivered");
  EXPECT_EQ((*attempts)[0].address, "127.0.0.1");
  // A delivered delivery is not sent again.
  ASSERT_TRUE(outbox.Attempt(*id));
  EXPECT_EQ(receiver.requests().size(), 1u);
}

TEST(WebhookSignatureTest, ATimestampedSignatureRefusesReplays) {
  const std::string body = R"({"event":"job.delivered","job_id":"j"})";
  const int64_t t = 1'700'000'000;
  const std::string sig = WebhookSignature(kSecret, body, t);
  EXPECT_EQ(sig, "t=1700000000,v1=" + HmacSha256Hex(kSecret, "1700000000." + body));
  EXPECT_EQ(VerifyWebhookSignature(kSecret, body, sig, t), WebhookVerdict::kValid);
  EXPECT_EQ(VerifyWebhookSignature(kSecret, body, sig, t + kWebhookToleranceS),
            WebhookVerdict::kValid);
  // A captured request replayed later than the tolerance is refused.
  EXPECT_EQ(VerifyWebhookSignature(kSecret, body, sig, t + kWebhookToleranceS + 1),
            WebhookVerdict::kStale);
  EXPECT_EQ(VerifyWebhookSignature(kSecret, body, sig, t + 3600, 60), WebhookVerdict::kStale);
  EXPECT_EQ(VerifyWebhookSignature(kSecret, body, sig, t - kWebhookToleranceS - 1),
            WebhookVerdict::kStale);  // from the future
  // Moving the time forward breaks the signature: the time is signed.
  std::string moved = sig;
  moved.replace(2, 10, std::to_string(t + 3600));
  EXPECT_EQ(VerifyWebhookSignature(kSecret, body, moved, t + 3600), WebhookVerdict::kBadSignature);
  // The body-only signature of before is not accepted.
  EXPECT_EQ(VerifyWebhookSignature(kSecret, body, "sha256=" + HmacSha256Hex(kSecret, body), t),
            WebhookVerdict::kMalformed);
  EXPECT_EQ(VerifyWebhookSignature(kSecret, body, "t=,v1=ab", t), WebhookVerdict::kMalformed);
  EXPECT_EQ(VerifyWebhookSignature(kSecret, body, "t=1x,v1=ab", t), WebhookVerdict::kMalformed);
  EXPECT_EQ(VerifyWebhookSignature(kSecret, body, "t=1700000000", t), WebhookVerdict::kMalformed);
  // Rotation: any v1 may match; unknown schemes are ignored.
  std::string rotated =
      "t=1700000000,v0=zz,v1=" + std::string(64, '0') + "," + sig.substr(sig.find("v1="));
  EXPECT_EQ(VerifyWebhookSignature(kSecret, body, rotated, t), WebhookVerdict::kValid);
  EXPECT_EQ(WebhookVerdictName(WebhookVerdict::kStale), "stale");
}

TEST(WebhookOptionsTest, TheSigningSecretIsNoFallbackInProduction) {
  Config c;
  c.signing_secret = "links-" + std::string(40, 's');
  c.env = "development";
  EXPECT_EQ(WebhookOptionsFromConfig(c).secret, c.signing_secret);  // with a warning
  c.env = "production";
  EXPECT_EQ(WebhookOptionsFromConfig(c).secret, "");  // and the server refuses to start
  c.webhook_secret = kSecret;
  EXPECT_EQ(WebhookOptionsFromConfig(c).secret, kSecret);
}

TEST_F(WebhookTest, RetriedWithBackoffUntilDelivered) {
  HttpReceiver receiver({{500, ""}, {503, ""}, {200, ""}});
  auto outbox = Outbox(TestOptions());
  auto id = outbox.Enqueue("job-2", "job.failed", receiver.Url(), Json::object());
  ASSERT_TRUE(id);
  auto first = outbox.Attempt(*id);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->state, "pending");
  ASSERT_TRUE(first->next_attempt_ms);
  const int64_t wait1 = *first->next_attempt_ms - clock_.NowMs();
  EXPECT_GE(wait1, 4000);  // 5 s, jittered down to 80%
  EXPECT_LE(wait1, 5000);
  EXPECT_EQ(*outbox.DeliverDue(), 0);  // not due yet
  clock_.Advance(5000);
  EXPECT_EQ(*outbox.DeliverDue(), 1);
  auto second = outbox.Get(*id);
  EXPECT_EQ(second->state, "pending");
  const int64_t wait2 = *second->next_attempt_ms - clock_.NowMs();
  EXPECT_GE(wait2, 8000);  // doubled
  EXPECT_LE(wait2, 10000);
  clock_.Advance(10000);
  EXPECT_EQ(*outbox.DeliverDue(), 1);
  EXPECT_EQ(outbox.Get(*id)->state, "delivered");
  auto attempts = *outbox.Attempts(*id);
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts[0].http_status, 500);
  EXPECT_EQ(attempts[0].outcome, "retry");
  EXPECT_EQ(attempts[1].http_status, 503);
  EXPECT_EQ(attempts[2].outcome, "delivered");
  auto got = receiver.requests();
  ASSERT_EQ(got.size(), 3u);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].body, got[0].body);  // the same signed body every time
    EXPECT_EQ(got[i].headers.at("x-aiprod-attempt"), std::to_string(i + 1));
    // Each attempt is signed when it is sent, so a late retry is not stale.
    EXPECT_EQ(VerifyWebhookSignature(kSecret, got[i].body, got[i].headers.at("x-aiprod-signature"),
                                     clock_.NowMs() / 1000, 0),
              i + 1 == got.size() ? WebhookVerdict::kValid : WebhookVerdict::kStale);
  }
}

TEST_F(WebhookTest, GivesUpAfterMaxAttemptsOrAFinalAnswer) {
  HttpReceiver down({{500, ""}});
  auto options = TestOptions();
  options.max_attempts = 2;
  auto outbox = Outbox(options);
  auto id = *outbox.Enqueue("job-3", "job.failed", down.Url(), Json::object());
  outbox.Attempt(id);
  clock_.Advance(10'000);
  outbox.DeliverDue();
  auto d = *outbox.Get(id);
  EXPECT_EQ(d.state, "failed");
  EXPECT_EQ(d.attempts, 2);
  EXPECT_EQ(d.last_error, "HTTP 500");
  clock_.Advance(1'000'000);
  EXPECT_EQ(*outbox.DeliverDue(), 0);

  HttpReceiver gone({{410, ""}});
  auto id2 = *outbox.Enqueue("job-3", "job.failed", gone.Url(), Json::object());
  EXPECT_EQ(outbox.Attempt(id2)->state, "failed");  // 4xx: no point retrying
  EXPECT_EQ(gone.requests().size(), 1u);
}

TEST_F(WebhookTest, LoopbackAndPrivateAddressesAreRefusedUnlessAllowed) {
  HttpReceiver receiver;
  auto options = TestOptions();
  options.policy.allow_loopback = false;
  auto outbox = Outbox(options);
  for (std::string url : {receiver.Url(), "http://localhost:" + std::to_string(receiver.port()),
                          std::string("http://10.1.2.3/hook"), std::string("http://192.168.0.10/"),
                          std::string("http://169.254.169.254/latest/meta-data"),
                          std::string("http://[::1]:1/"), std::string("http://0.0.0.0:1/")}) {
    auto id = *outbox.Enqueue("job-4", "job.delivered", url, Json::object());
    auto d = *outbox.Attempt(id);
    EXPECT_EQ(d.state, "failed") << url;
    EXPECT_NE(d.last_error.find("refused"), std::string::npos) << url << ": " << d.last_error;
    auto attempts = *outbox.Attempts(id);
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_EQ(attempts[0].outcome, "give_up");
  }
  EXPECT_TRUE(receiver.requests().empty());  // nothing ever reached it
  // https only unless plain http is allowed.
  options.policy = {};
  auto strict = Outbox(options);
  auto id = *strict.Enqueue("job-4", "job.delivered", "http://hooks.example.com/", Json::object());
  auto d = *strict.Attempt(id);
  EXPECT_EQ(d.state, "failed");
  EXPECT_NE(d.last_error.find("https"), std::string::npos) << d.last_error;
}

TEST_F(WebhookTest, RedirectsAreCheckedLikeTheFirstUrl) {
  HttpReceiver final_receiver;
  HttpReceiver hop({{307, final_receiver.Url("/moved")}});
  auto outbox = Outbox(TestOptions());
  auto id = *outbox.Enqueue("job-5", "job.delivered", hop.Url(), Json::object());
  EXPECT_EQ(outbox.Attempt(id)->state, "delivered");
  ASSERT_EQ(final_receiver.requests().size(), 1u);
  EXPECT_EQ(final_receiver.requests()[0].target, "/moved");
  // A redirect into the private network is refused.
  HttpReceiver sneaky({{302, "http://10.0.0.7/internal"}});
  auto id2 = *outbox.Enqueue("job-5", "job.delivered", sneaky.Url(), Json::object());
  auto d = *outbox.Attempt(id2);
  EXPECT_EQ(d.state, "failed");
  EXPECT_NE(d.last_error.find("10.0.0.7"), std::string::npos) << d.last_error;
}

TEST_F(WebhookTest, TheRunnerCallsTheWebhookWhenAJobEnds) {
  HttpReceiver receiver;
  Config config;
  config.data_dir = dir_.path();
  config.webhook.allow_http = 1;
  config.webhook.allow_loopback = 1;
  config.webhook_secret = kSecret;
  SystemClock clock;
  WebhookJobEndHook hook(*store_, db_->webhook_deliveries(), config, clock, Logger::Null(), false);
  PipelineServices services;
  services.config = &config;
  services.clock = &clock;
  services.job_end = &hook;
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<FailingStage>());
  Runner runner(*store_, services, std::move(stages));

  NewJob nj;
  nj.id = NewUuidV7(clock);
  nj.brief.content = "Hello.";
  nj.brief.webhook_url = receiver.Url("/jobs");
  nj.now_ms = clock.NowMs();
  ASSERT_TRUE(store_->CreateJob(nj));
  auto s = runner.RunJob(nj.id);
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(*s, JobState::kFailed);

  auto got = receiver.requests();
  ASSERT_EQ(got.size(), 1u);
  Json body = Json::parse(got[0].body);
  EXPECT_EQ(body["event"], "job.failed");
  EXPECT_EQ(body["job_id"], nj.id);
  EXPECT_EQ(body["state"], "failed");
  EXPECT_NE(body["error"].get<std::string>().find("cannot plan this"), std::string::npos);
  EXPECT_EQ(VerifyWebhookSignature(kSecret, got[0].body, got[0].headers.at("x-aiprod-signature"),
                                   clock.NowMs() / 1000),
            WebhookVerdict::kValid);
  auto list = hook.outbox().List(nj.id);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].state, "delivered");

  // A job without a webhook_url sends nothing.
  NewJob quiet = nj;
  quiet.id = NewUuidV7(clock);
  quiet.brief.webhook_url.clear();
  ASSERT_TRUE(store_->CreateJob(quiet));
  ASSERT_TRUE(runner.RunJob(quiet.id));
  EXPECT_EQ(receiver.requests().size(), 1u);
}

}  // namespace
}  // namespace aiprod
