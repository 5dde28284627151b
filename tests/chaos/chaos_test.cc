// Three worker processes, thirty short jobs, a worker SIGKILLed every few
// seconds and started again, PostgreSQL restarted once mid-run. At the end
// every job is delivered exactly once and none is stuck.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "core/files.h"
#include "store/store.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kJobs = 30;
constexpr int kWorkers = 3;

class Cluster {
 public:
  explicit Cluster(std::string state) : state_(std::move(state)) {}
  bool Run(const std::string& cmd) {
    auto r = testing::RunProcess({testing::SourceDir() + "/scripts/pg-cluster", cmd, state_});
    if (r.exit_code != 0) ADD_FAILURE() << cmd << ": " << r.err << r.out;
    return r.exit_code == 0;
  }
  std::string Url() {
    auto text = ReadFile(state_ + "/url");
    std::string url = text ? *text : "";
    while (!url.empty() && url.back() == '\n') url.pop_back();
    return url;
  }
  ~Cluster() { Run("stop"); }

 private:
  std::string state_;
};

TEST(Chaos, KilledWorkersAndARestartedDatabaseStillDeliverEveryJobOnce) {
  testing::TempDir dir;
  Cluster pg(dir.File("pg"));
  ASSERT_TRUE(pg.Run("start"));
  std::string url = pg.Url();
  std::vector<std::string> env = {
      "AIPROD_DATA_DIR=" + dir.File("data"), "AIPROD_QUEUE_LEASE_TTL_S=3",
      "AIPROD_QUEUE_HEARTBEAT_S=0.5",        "AIPROD_QUEUE_POLL_MS=200",
      "AIPROD_QUEUE_MAX_ATTEMPTS=12",        "AIPROD_QUEUE_BACKOFF_BASE_S=0.2",
      "AIPROD_QUEUE_BACKOFF_MAX_S=2",        "AIPROD_LOG_FORMAT=json"};
  std::string bin = testing::AiprodBinary();
  ASSERT_EQ(testing::RunProcess({bin, "migrate", "--db", url}, env).exit_code, 0);

  std::vector<std::string> ids;
  for (int i = 0; i < kJobs; ++i) {
    std::string brief = dir.File("brief" + std::to_string(i) + ".json");
    ASSERT_TRUE(WriteFileAtomic(brief, R"({"content": "Job number )" + std::to_string(i) +
                                           R"( is short.", "draft": true})"));
    auto r = testing::RunProcess({bin, "submit", brief, "--db", url}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ids.push_back(r.out.substr(0, 36));
  }

  std::vector<pid_t> workers(kWorkers, -1);
  struct KillOnExit {  // a failed assertion must not leave workers behind
    std::vector<pid_t>& pids;
    ~KillOnExit() {
      for (pid_t& p : pids) {
        if (p > 0) {
          kill(p, SIGKILL);
          testing::WaitProcess(p);
          p = -1;
        }
      }
    }
  } kill_on_exit{workers};
  int started = 0;
  std::vector<std::string> logs(kWorkers);
  auto start_worker = [&](int i) {
    logs[i] = dir.File("w" + std::to_string(started) + ".err");
    workers[i] =
        testing::StartProcess({bin, "worker", "--db", url},
                              dir.File("w" + std::to_string(started) + ".out"), logs[i], env);
    ++started;
  };
  for (int i = 0; i < kWorkers; ++i) start_worker(i);

  auto store = OpenStore(url);
  ASSERT_TRUE(store);
  std::mt19937 rng(42);
  auto begin = Clock::now();
  auto next_kill = begin + 2s;
  bool restarted = false;
  int kills = 0;
  std::map<std::string, JobState> states;
  for (;;) {
    std::this_thread::sleep_for(200ms);
    auto now = Clock::now();
    if (now - begin > 300s) {
      std::string stuck;
      for (const auto& [id, state] : states) {
        if (IsTerminal(state)) continue;
        stuck += id + " " + std::string(StateName(state));
        if (auto job = (*store)->GetJob(id)) {
          stuck += " owner=" + job->lease_owner +
                   " expires=" + std::to_string(job->lease_expires_ms) +
                   " run_after=" + std::to_string(job->run_after_ms.value_or(-1)) +
                   " attempts=" + std::to_string(job->attempts) + "\n";
        }
        if (auto events = (*store)->ListEvents(id)) {
          for (const auto& e : *events) {
            stuck += "  " + std::to_string(e.created_at_ms) + " " + e.type + " " + e.to_state +
                     " " + e.data.dump() + "\n";
          }
        }
      }
      auto last_log = ReadFile(dir.File("w" + std::to_string(started - 1) + ".err"));
      FAIL() << "jobs still unfinished after 5 minutes:\n"
             << stuck << "last worker's log:\n"
             << (last_log ? last_log->substr(last_log->size() > 4000 ? last_log->size() - 4000 : 0)
                          : "");
    }
    if (now >= next_kill) {
      int victim = static_cast<int>(rng() % kWorkers);
      ASSERT_GT(workers[victim], 0);
      kill(workers[victim], SIGKILL);
      testing::WaitProcess(workers[victim]);
      start_worker(victim);
      ++kills;
      next_kill = now + std::chrono::milliseconds(3000 + rng() % 2000);
    }
    if (!restarted && now - begin > 6s) {
      ASSERT_TRUE(pg.Run("restart"));
      restarted = true;
      store = OpenStore(url);
      ASSERT_TRUE(store);
    }
    JobFilter all;
    all.limit = 1000;
    auto jobs = (*store)->ListJobs(all);
    if (!jobs) continue;  // the database is coming back
    int done = 0;
    for (const auto& j : *jobs) {
      states[j.id] = j.state;
      done += IsTerminal(j.state);
    }
    if (done == kJobs && restarted) break;
  }
  for (int i = 0; i < kWorkers; ++i) {
    pid_t& p = workers[i];
    ASSERT_GT(p, 0);
    // A worker killed before it has set up its signal handling dies by the
    // signal; the drain is what is tested here, so wait until it is up.
    for (int tries = 0; tries < 100; ++tries) {
      auto log = ReadFile(logs[i]);
      if (log && log->find("worker started") != std::string::npos) break;
      std::this_thread::sleep_for(100ms);
    }
    kill(p, SIGTERM);
    EXPECT_EQ(testing::WaitProcess(p), 0) << "a worker did not drain cleanly on SIGTERM";
    p = -1;
  }
  EXPECT_GE(kills, 2);

  for (const auto& id : ids) {
    auto job = (*store)->GetJob(id);
    ASSERT_TRUE(job);
    EXPECT_EQ(job->state, JobState::kDelivered) << id << ": " << job->error;
    auto events = (*store)->ListEvents(id);
    ASSERT_TRUE(events);
    // Each stage completed exactly once (the fenced, state-checked write makes
    // a second completion impossible); a stage restarts only after a crash.
    std::map<std::string, int> completed, started_count;
    int takeovers = 0;
    for (const auto& e : *events) {
      std::string stage = e.data.value("stage", std::string());
      if (e.type == "state_changed" && !stage.empty()) ++completed[stage];
      if (e.type == "stage_started") ++started_count[stage];
      if (e.type == "lease_taken_over" || e.type == "lease_broken") ++takeovers;
    }
    for (auto stage :
         {"plan", "localize", "consistency", "estimate", "approve", "render", "qa", "deliver"}) {
      EXPECT_EQ(completed[stage], 1) << id << " " << stage;
      EXPECT_LE(started_count[stage], 1 + takeovers + job->attempts) << id << " " << stage;
    }
    // One final artifact set: the delivered video and its documents, nothing half-written.
    std::string out = dir.File("data") + "/out/" + id;
    std::vector<std::string> files;
    for (const auto& f : std::filesystem::directory_iterator(out)) {
      files.push_back(f.path().filename().string());
    }
    std::sort(files.begin(), files.end());
    EXPECT_EQ(files, (std::vector<std::string>{"en-16x9.mp4", "manifest.json", "qa.json"})) << id;
  }
  std::printf("chaos: %d jobs, %d worker kills, PostgreSQL restarted once\n", kJobs, kills);
}

}  // namespace
}  // namespace aiprod
