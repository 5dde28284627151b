// Webhooks cannot be lost: the delivery is written in the transaction that
// ends the job. A worker killed (SIGKILL) right after that commit, before it
// gets to attempt the delivery, leaves it pending in the outbox, and the next
// process's dispatcher delivers it to the receiver. On both engines.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "core/ids.h"
#include "failing_stage.h"
#include "http_receiver.h"
#include "notify/webhook_outbox.h"
#include "notify/webhook_signature.h"
#include "pipeline/job_end_hook.h"
#include "pipeline/runner.h"
#include "store/database.h"
#include "testing/postgres.h"
#include "testing/temp_dir.h"
#include "testing/wait.h"

namespace aiprod {
namespace {

using testing::FailingStage;
using testing::HttpReceiver;

constexpr const char* kSecret = "webhook-secret-webhook-secret-32";

// The worker's real hook, and a crash the moment the final transition has
// committed: where the delivery used to be recorded.
class CrashAfterCommit final : public JobEndHook {
 public:
  explicit CrashAfterCommit(JobEndHook& real) : real_(real) {}
  void OnJobEnding(const Job& job, JobTransition& t) override { real_.OnJobEnding(job, t); }
  void OnJobEnd(const Job&, const JobTransition&) override { raise(SIGKILL); }

 private:
  JobEndHook& real_;
};

class WebhookCrashTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.ok());
    config_.data_dir = dir_.path();
    config_.webhook.allow_http = 1;
    config_.webhook.allow_loopback = 1;
    config_.webhook_secret = kSecret;
  }

  // In a child process with connections of its own (nothing of this
  // process's database state crosses the fork): creates a job with
  // `webhook_url` and `max_attempts` and runs it to its end under the
  // crashing hook. Returns how the child ended.
  int RunInKilledWorker(const std::string& job_id, const std::string& webhook_url,
                        int max_attempts) {
    pid_t pid = fork();
    if (pid == 0) {
      auto db = OpenDatabase(db_.url());
      if (!db || !(*db)->store().Migrate()) _exit(2);
      Store& store = (*db)->store();
      SystemClock clock;
      NewJob nj;
      nj.id = job_id;
      nj.brief.content = "Hello.";
      nj.brief.webhook_url = webhook_url;
      nj.max_attempts = max_attempts;
      nj.now_ms = clock.NowMs();
      if (!store.CreateJob(nj)) _exit(3);
      WebhookJobEndHook real(store, (*db)->webhook_deliveries(), config_, clock, Logger::Null(),
                             false);
      CrashAfterCommit hook(real);
      PipelineServices services;
      services.config = &config_;
      services.clock = &clock;
      services.job_end = &hook;
      std::vector<std::unique_ptr<Stage>> stages;
      stages.push_back(std::make_unique<FailingStage>());
      Runner runner(store, services, std::move(stages));
      (void)runner.RunJob(job_id);
      _exit(4);  // not reached: the hook kills the process
    }
    int status = 0;
    EXPECT_EQ(waitpid(pid, &status, 0), pid);
    return status;
  }

  testing::EngineDatabase db_{GetParam()};
  testing::TempDir dir_;
  Config config_;
};

TEST_P(WebhookCrashTest, AWorkerKilledAfterTheFinalCommitLosesNoWebhook) {
  HttpReceiver receiver({{200, ""}}, /*serve_now=*/false);  // its thread starts after the forks
  SystemClock clock;
  const std::string failed = NewUuidV7(clock);  // a stage fails for good
  const std::string dead = NewUuidV7(clock);    // attempts exhausted when claimed
  for (const auto& [id, max_attempts] : {std::pair{failed, 3}, std::pair{dead, 0}}) {
    int status = RunInKilledWorker(id, receiver.Url("/jobs"), max_attempts);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the worker did not die after the commit (status " << status << ")";
  }

  auto db = OpenDatabase(db_.url());
  ASSERT_TRUE(db) << db.error().ToString();
  Store& store = (*db)->store();
  EXPECT_EQ(store.GetJob(failed)->state, JobState::kFailed);
  EXPECT_EQ(store.GetJob(dead)->state, JobState::kDead);
  for (const auto& id : {failed, dead}) {
    auto pending = (*db)->webhook_deliveries().List(id, 10);
    ASSERT_TRUE(pending) << pending.error().ToString();
    ASSERT_EQ(pending->size(), 1u) << "the webhook of job " << id << " was lost";
    EXPECT_EQ((*pending)[0].state, "pending");
    EXPECT_EQ((*pending)[0].attempts, 0);
  }
  EXPECT_TRUE(receiver.requests().empty());
  receiver.Start();

  // The next process's dispatcher sends what the dead worker left.
  WebhookJobEndHook dispatcher(store, (*db)->webhook_deliveries(), config_, clock, Logger::Null(),
                               true);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (receiver.requests().size() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto got = receiver.requests();
  ASSERT_EQ(got.size(), 2u);
  std::map<std::string, Json> bodies;
  for (const auto& req : got) {
    EXPECT_EQ(req.target, "/jobs");
    EXPECT_EQ(VerifyWebhookSignature(kSecret, req.body, req.headers.at("x-aiprod-signature"),
                                     clock.NowMs() / 1000),
              WebhookVerdict::kValid);
    Json body = Json::parse(req.body);
    bodies[body["job_id"].get<std::string>()] = body;
  }
  EXPECT_EQ(bodies[failed]["event"], "job.failed");
  EXPECT_EQ(bodies[failed]["state"], "failed");
  EXPECT_NE(bodies[failed]["error"].get<std::string>().find("cannot plan this"), std::string::npos);
  EXPECT_EQ(bodies[dead]["event"], "job.dead");
  EXPECT_EQ(bodies[dead]["state"], "dead");
  // The receiver answers before the dispatcher records the attempt: wait for the rows.
  for (const auto& id : {failed, dead}) {
    std::string state;
    testing::WaitUntil([&] {
      auto list = (*db)->webhook_deliveries().List(id, 10);
      state = list && list->size() == 1 ? (*list)[0].state : "";
      return state == "delivered";
    });
    EXPECT_EQ(state, "delivered") << "job " << id;
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, WebhookCrashTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace aiprod
