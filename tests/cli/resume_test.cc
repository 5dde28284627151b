// A process killed with SIGKILL in the middle of rendering is resumed by
// `aiprod resume` from the last finished stage: no finished stage runs twice.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "core/files.h"
#include "store/store.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

TEST(Resume, KillNineMidRenderThenResume) {
  testing::TempDir dir;
  std::string db = dir.File("jobs.db");
  std::string brief = dir.File("brief.json");
  ASSERT_TRUE(WriteFileAtomic(brief, R"({
    "content": "Our beans are roasted at dawn. They reach your door by eight. Brewed in ninety seconds, tasting like a cafe. Order today.",
    "aspect_ratios": ["16:9", "1:1"]})"));
  std::vector<std::string> env = {"AIPROD_DATA_DIR=" + dir.File("data")};
  pid_t pid = testing::StartProcess(
      {testing::AiprodBinary(), "run", brief, "--out", dir.File("out"), "--db", db, "--json"},
      dir.File("run.out"), dir.File("run.err"), env);
  ASSERT_GT(pid, 0);

  // Wait until the job is rendering, let it draw some frames, then kill it.
  auto store = OpenStore(db);
  std::string job_id;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!store) store = OpenStore(db);
    if (!store) continue;
    auto jobs = (*store)->ListJobs({});
    if (!jobs || jobs->empty()) continue;
    job_id = jobs->front().id;
    if (jobs->front().state == JobState::kRendering) break;
    ASSERT_FALSE(IsTerminal(jobs->front().state)) << "finished before it could be killed";
  }
  ASSERT_FALSE(job_id.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  EXPECT_EQ(testing::WaitProcess(pid), 128 + SIGKILL);
  ASSERT_EQ((*store)->GetJob(job_id)->state, JobState::kRendering);

  auto r =
      testing::RunProcess({testing::AiprodBinary(), "resume", job_id, "--db", db, "--json"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"delivered\""), std::string::npos) << r.out;

  std::map<std::string, int> started;
  auto events = (*store)->ListEvents(job_id);
  ASSERT_TRUE(events);
  for (const auto& e : *events) {
    if (e.type == "stage_started") ++started[e.data.value("stage", std::string())];
  }
  for (auto stage : {"plan", "localize", "consistency", "estimate", "approve"}) {
    EXPECT_EQ(started[stage], 1) << stage << " ran again after the crash";
  }
  EXPECT_EQ(started["render"], 2);  // interrupted once, then finished
  EXPECT_EQ(started["qa"], 1);
  EXPECT_EQ(started["deliver"], 1);
  Job job = *(*store)->GetJob(job_id);
  EXPECT_EQ(job.state, JobState::kDelivered);
  EXPECT_EQ(job.attempts, 1);  // the crash counted
  // No half-written file from the killed render is left behind.
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir.File("data"))) {
    EXPECT_EQ(f.path().filename().string().find(".tmp"), std::string::npos) << f.path();
  }
}

}  // namespace
}  // namespace aiprod
