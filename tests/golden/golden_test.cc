// Golden files for the reference briefs (examples/briefs, copies of
// ../shared/reference/briefs): what the pipeline plans (the production
// manifest a reviewer sees), what it estimates, and the QA verdict of one
// small draft render. The `aiprod` binary runs the real stages; only what
// this machine measures (ids, times, wall-time estimates, QA measurements) is
// left out. Regenerate with scripts/update-golden (tests/golden/README.md).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/files.h"
#include "core/json.h"
#include "golden_file.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

namespace aiprod::testing {
namespace {

class Golden : public ::testing::Test {
 protected:
  // Runs `aiprod args... --db <db> --json`; asserts success; its JSON output.
  Json Aiprod(std::vector<std::string> args) {
    std::vector<std::string> argv = {AiprodBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--db", dir_.File("jobs.db"), "--json"});
    auto r = RunProcess(argv, {"AIPROD_DATA_DIR=" + dir_.File("data"),
                               "AIPROD_BRANDS_DIR=" + SourceDir() + "/brands"});
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    Json j = Json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j;
  }
  static std::string Brief(const std::string& name) {
    return SourceDir() + "/examples/briefs/" + name + ".json";
  }

  TempDir dir_;
};

class GoldenPlan : public Golden, public ::testing::WithParamInterface<std::string> {};

// The brief stops for review after plan, localize, consistency and estimate:
// the manifest and estimate are what the job holds then.
TEST_P(GoldenPlan, ManifestAndCostEstimate) {
  Json run = Aiprod({"run", Brief(GetParam()), "--review"});
  ASSERT_EQ(run.value("state", ""), "awaiting_approval") << run.dump();
  Json job = Aiprod({"jobs", "show", run.value("job_id", "")});
  ASSERT_TRUE(job["production_manifest"].is_object()) << job.dump();
  ExpectMatchesGolden(GetParam() + ".plan.json", RoundNumbers(job["production_manifest"]));
  Json cost = job["cost_estimate"];
  ASSERT_TRUE(cost.is_object()) << job.dump();
  cost.erase("expected_wall_s");  // CPU seconds over this machine's cores
  ExpectMatchesGolden(GetParam() + ".cost.json", RoundNumbers(cost));
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenPlan,
                         ::testing::Values("coffee-15s", "explainer-60s", "promo-fr"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

// The QA verdict of the coffee brief, cut to one rendition and drawn as a
// draft (half size, fastest preset) to keep the suite quick: each check's
// name and verdict, not what it measured.
TEST_F(Golden, QaVerdictOfADraftRender) {
  auto brief = ReadJsonFile(Brief("coffee-15s"), "brief", 1 << 20);
  ASSERT_TRUE(brief);
  (*brief)["target_langs"] = {"en"};
  (*brief)["aspect_ratios"] = {"16:9"};
  ASSERT_TRUE(WriteFileAtomic(dir_.File("brief.json"), brief->dump()));
  Json run = Aiprod({"run", dir_.File("brief.json"), "--draft", "--out", dir_.File("out")});
  ASSERT_EQ(run.value("state", ""), "delivered") << run.dump();
  auto qa = ReadJsonFile(dir_.File("out/qa.json"), "qa", 1 << 20);
  ASSERT_TRUE(qa);
  Json verdict = {{"passed", (*qa)["passed"]}, {"renditions", Json::array()}};
  for (const auto& r : (*qa)["renditions"]) {
    Json checks = Json::array();
    for (const auto& c : r["checks"]) {
      Json check = {{"name", c["name"]}, {"passed", c["passed"]}};
      if (c.value("skipped", false)) check["skipped"] = true;
      checks.push_back(check);
    }
    verdict["renditions"].push_back({{"lang", r["lang"]},
                                     {"aspect", r["aspect"]},
                                     {"passed", r["passed"]},
                                     {"summary", r["summary"]},
                                     {"checks", checks}});
  }
  ExpectMatchesGolden("coffee-15s.qa.json", verdict);
}

}  // namespace
}  // namespace aiprod::testing
