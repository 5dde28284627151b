// End to end: the `aiprod` binary on real briefs, its output decoded.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/files.h"
#include "core/json.h"
#include "qa/probe.h"
#include "store/audit_log.h"
#include "store/database.h"
#include "store/store.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

using testing::AiprodBinary;
using testing::RunProcess;

class CliTest : public ::testing::Test {
 protected:
  testing::ProcessResult Aiprod(std::vector<std::string> args, std::vector<std::string> env = {}) {
    std::vector<std::string> argv = {AiprodBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    env.push_back("AIPROD_DATA_DIR=" + dir_.File("data"));
    env.push_back("AIPROD_BRANDS_DIR=" + testing::SourceDir() + "/brands");
    return RunProcess(argv, env);
  }
  std::string Db() const { return dir_.File("jobs.db"); }
  size_t JobCount() {
    auto r = Aiprod({"jobs", "list", "--db", Db(), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto j = Json::parse(r.out, nullptr, false);
    return j.is_discarded() ? 999 : j["jobs"].size();
  }
  std::string WriteBrief(const std::string& name, const std::string& text) {
    std::string path = dir_.File(name);
    EXPECT_TRUE(WriteFileAtomic(path, text));
    return path;
  }

  testing::TempDir dir_;
};

TEST_F(CliTest, CoffeeBriefBecomesCheckedVideos) {
  std::string out = dir_.File("out");
  auto r = Aiprod({"run", testing::SourceDir() + "/examples/briefs/coffee-15s.json", "--out", out,
                   "--db", Db(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto j = Json::parse(r.out);
  EXPECT_EQ(j["state"], "delivered");
  EXPECT_EQ(j["job_id"].get<std::string>().size(), 36u);
  ASSERT_EQ(j["artifacts"].size(), 4u);  // {en, es} x {16:9, 9:16}
  EXPECT_TRUE(std::filesystem::exists(out + "/manifest.json"));
  EXPECT_TRUE(std::filesystem::exists(out + "/qa.json"));

  auto manifest = ReadJsonFile(out + "/manifest.json", "manifest", 1 << 20);
  ASSERT_TRUE(manifest);
  for (const auto& a : j["artifacts"]) {
    std::string video = a["video"];
    auto p = ProbeMedia(video);
    ASSERT_TRUE(p) << p.error().ToString();
    ASSERT_TRUE(p->video && p->audio);
    EXPECT_EQ(p->video->codec, "h264");
    EXPECT_EQ(p->video->profile, "High");
    EXPECT_EQ(p->audio->codec, "aac");
    EXPECT_EQ(p->audio->sample_rate, 48000);
    if (a["aspect"] == "16:9") {
      EXPECT_EQ(p->video->width, 1920);
      EXPECT_EQ(p->video->height, 1080);
    } else {
      EXPECT_EQ(p->video->width, 1080);
      EXPECT_EQ(p->video->height, 1920);
    }
    // Audible narration, and a video about as long as it: measure speech as
    // the span of 100 ms windows louder than -45 dBFS.
    const auto& w = p->audio->window_rms_dbfs;
    int first = -1, last = -1, loud = 0;
    for (size_t i = 0; i < w.size(); ++i) {
      if (w[i] > -45) {
        if (first < 0) first = static_cast<int>(i);
        last = static_cast<int>(i);
        ++loud;
      }
    }
    ASSERT_GE(first, 0) << "no audible narration";
    EXPECT_GT(p->audio->rms_dbfs, -30);
    double narration_s = (last - first + 1) * p->audio->window_s;
    EXPECT_GT(loud * p->audio->window_s, 0.6 * narration_s);  // mostly speech, not noise
    EXPECT_LE(std::abs(p->video->duration_s - narration_s), 0.2 * narration_s)
        << "video " << p->video->duration_s << " s, narration " << narration_s << " s";
  }
  auto qa = ReadJsonFile(out + "/qa.json", "qa", 1 << 20);
  ASSERT_TRUE(qa);
  EXPECT_EQ((*qa)["passed"], true);
}

TEST_F(CliTest, ShowListAndConfig) {
  auto r = Aiprod({"config", "show", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = Json::parse(r.out);
  EXPECT_EQ(j["render.crf"], 23);
  EXPECT_EQ(j["signing_secret"], "<unset>");
  auto v = Aiprod({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("aiprod "), std::string::npos);
  auto m = Aiprod({"migrate", "--db", Db(), "--json"});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_GE(Json::parse(m.out)["schema_version"].get<int>(), 1);
  auto missing = Aiprod({"jobs", "show", "01890000-0000-7000-8000-000000000000", "--db", Db()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("not_found"), std::string::npos);
  for (auto cmd : {"run", "resume", "jobs", "render", "migrate", "worker"}) {
    auto h = Aiprod({cmd, "--help"});
    EXPECT_EQ(h.exit_code, 0) << cmd;
    EXPECT_NE(h.out.find("Usage"), std::string::npos) << cmd;
  }
}

struct BadInput {
  const char* name;
  std::string brief;  // file content; empty means "no such file"
  std::vector<std::string> extra;
  const char* expect;  // in stderr
};

void PrintTo(const BadInput& b, std::ostream* os) { *os << b.name; }

class CliBadInput : public CliTest, public ::testing::WithParamInterface<BadInput> {};

TEST_P(CliBadInput, ExitsTwoNamingTheFieldAndCreatesNoJob) {
  const BadInput& p = GetParam();
  std::string path = p.brief.empty() ? dir_.File("missing.json") : WriteBrief("b.json", p.brief);
  std::vector<std::string> args = {"run", path, "--out", dir_.File("out"), "--db", Db()};
  args.insert(args.end(), p.extra.begin(), p.extra.end());
  auto r = Aiprod(args);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(p.expect), std::string::npos) << r.err;
  EXPECT_EQ(JobCount(), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("out")));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliBadInput,
    ::testing::Values(
        BadInput{"missing_file", "", {}, "no such file"},
        BadInput{"empty_content", R"({"content": ""})", {}, "content: must not be empty"},
        BadInput{"no_content", R"({"preset": "explainer"})", {}, "content: is required"},
        BadInput{"too_long",
                 R"({"content": ")" + std::string(10'001, 'a') + R"("})",
                 {},
                 "content: is 10001 characters long; the limit is 10000"},
        BadInput{
            "bad_preset", R"({"content": "Hi.", "preset": "viral"})", {}, "preset: unknown preset"},
        BadInput{"bad_lang",
                 R"({"content": "Hi.", "lang": "klingon"})",
                 {},
                 "lang: unknown language code"},
        BadInput{"bad_utf8", "{\"content\": \"caf\xe9\"}", {}, "not valid JSON"},
        BadInput{"duplicate", R"({"content": "a", "content": "b"})", {}, "content: duplicate"},
        BadInput{"absurd",
                 R"({"content": "Hi.", "duration_hint_s": 1e9})",
                 {},
                 "duration_hint_s: must be between"},
        BadInput{"no_route",
                 R"({"content": "Hi.", "target_langs": ["en", "ja"]})",
                 {},
                 "no translation route from 'en' to 'ja'"},
        BadInput{"webhook_refused",
                 R"({"content": "Hi.", "webhook_url": "http://169.254.169.254/x"})",
                 {},
                 "webhook_url: must use https"},
        BadInput{"brand_missing",
                 R"({"content": "Hi."})",
                 {"--brand", "/nonexistent/kit.json"},
                 "no such file"},
        BadInput{"brand_broken",
                 R"({"content": "Hi."})",
                 {"--brand", "/etc/hostname"},
                 "brand kit is not valid JSON"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(CliTest, RenderCommandDrawsAManifest) {
  std::string manifest = WriteBrief("m.json", R"({
    "manifest_version": 1, "canvas": {"width": 320, "height": 180, "fps": 25},
    "scenes": [{"duration_s": 1, "background": {"type": "solid", "color": "#0d47a1"},
                "layers": [{"type": "text", "text": "Hi", "baseline_y": 100}]}]})");
  auto r = Aiprod({"render", manifest, "-o", dir_.File("m.mp4"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto p = ProbeMedia(dir_.File("m.mp4"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->video->width, 320);
  EXPECT_EQ(p->video->frames, 25);
  auto bad = Aiprod({"render", WriteBrief("bad.json", R"({"manifest_version": 1, "scenes": [
    {"duration_s": 90}]})"),
                     "-o", dir_.File("bad.mp4")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("scenes[0].duration_s: must be between 0.5 and 60"), std::string::npos)
      << bad.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("bad.mp4")));
}

TEST_F(CliTest, ReviewHoldsTheJobUntilApproved) {
  std::string brief =
      WriteBrief("b.json", R"({"content": "Short and sweet.", "preset": "announcement"})");
  auto r = Aiprod({"run", brief, "--out", dir_.File("out"), "--db", Db(), "--review", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = Json::parse(r.out);
  EXPECT_EQ(j["state"], "awaiting_approval");
  std::string id = j["job_id"];
  auto a = Aiprod({"approve", id, "--db", Db()});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  auto done = Aiprod({"resume", id, "--db", Db(), "--json"});
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(Json::parse(done.out)["state"], "delivered");
  auto again = Aiprod({"approve", id, "--db", Db()});
  EXPECT_NE(again.exit_code, 0);
}

// A reviewer edits one scene's text: a new revision with its history, bad
// edits refused, and after approval only the edited scene is drawn again
// (the first job filled the shared scene cache with the same plan).
TEST_F(CliTest, EditingOneSceneMakesARevisionAndRerendersOnlyThatScene) {
  std::string brief = WriteBrief(
      "b.json", R"({"content": "Fresh roast every morning. Our beans come from small farms. )"
                R"(Order today.", "preset": "announcement", "draft": true})");
  auto first = Aiprod({"run", brief, "--out", dir_.File("out1"), "--db", Db(), "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;

  auto r = Aiprod({"run", brief, "--out", dir_.File("out2"), "--db", Db(), "--review", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string id = Json::parse(r.out)["job_id"];
  auto review = Aiprod({"review", id, "--db", Db(), "--json"});
  ASSERT_EQ(review.exit_code, 0) << review.err;
  Json plan = Json::parse(review.out);
  EXPECT_EQ(plan["revision"], 1);
  const Json scenes = plan["manifest"]["variants"][0]["scenes"];
  ASSERT_GE(scenes.size(), 2u);
  size_t text_layer = 0;
  while (!scenes[0]["layers"][text_layer].contains("text")) ++text_layer;
  std::string path = "/variants/0/scenes/0/layers/" + std::to_string(text_layer) + "/text";

  // Out of limits: refused, naming the field; nothing stored.
  std::string bad =
      WriteBrief("bad.json",
                 R"([{"op": "replace", "path": "/variants/0/scenes/0/duration_s", "value": 500}])");
  auto refused = Aiprod({"edit", id, "--file", bad, "--db", Db()});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("duration_s"), std::string::npos) << refused.err;
  auto stale = WriteBrief("stale.json", R"({"title": "Stale"})");
  EXPECT_NE(Aiprod({"edit", id, "--file", stale, "--expect-revision", "7", "--db", Db()}).exit_code,
            0);

  std::string patch = WriteBrief("patch.json", R"([{"op": "replace", "path": ")" + path +
                                                   R"(", "value": "Roasted at dawn"}])");
  auto edit = Aiprod({"edit", id, "--file", patch, "--db", Db(), "--json"});
  ASSERT_EQ(edit.exit_code, 0) << edit.err;
  EXPECT_EQ(Json::parse(edit.out)["revision"], 2);
  review = Aiprod({"review", id, "--db", Db(), "--json"});
  plan = Json::parse(review.out);
  EXPECT_EQ(plan["revision"], 2);
  ASSERT_EQ(plan["edits_history"].size(), 1u);
  EXPECT_EQ(plan["edits_history"][0]["previous_revision"], 1);
  EXPECT_NE(plan["edits_history"][0]["changes"].dump().find("scene"), std::string::npos);
  EXPECT_EQ(plan["manifest"]["variants"][0]["scenes"][0]["layers"][text_layer]["text"],
            "Roasted at dawn");

  ASSERT_EQ(Aiprod({"approve", id, "--db", Db()}).exit_code, 0);
  auto done = Aiprod({"resume", id, "--db", Db(), "--json"});
  ASSERT_EQ(done.exit_code, 0) << done.err;
  auto job = Aiprod({"jobs", "show", id, "--db", Db(), "--json"});
  Json rendered = Json::parse(job.out)["render_result"]["renditions"];
  ASSERT_FALSE(rendered.empty());
  for (const auto& rendition : rendered) {
    // Scene 0 and the one transition touching it are drawn again; the rest is reused.
    EXPECT_GE(rendition["cache_misses"].get<int>(), 1) << rendition.dump();
    EXPECT_LE(rendition["cache_misses"].get<int>(), 2) << rendition.dump();
    EXPECT_GE(rendition["cache_hits"].get<int>(), static_cast<int>(scenes.size()) - 1)
        << rendition.dump();
  }
}

TEST_F(CliTest, RejectFailsTheJobWithTheReason) {
  std::string brief =
      WriteBrief("b.json", R"({"content": "Short and sweet.", "preset": "announcement"})");
  auto r = Aiprod({"run", brief, "--out", dir_.File("out"), "--db", Db(), "--review", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string id = Json::parse(r.out)["job_id"];
  auto rejected = Aiprod({"reject", id, "--reason", "off brand", "--db", Db()});
  ASSERT_EQ(rejected.exit_code, 0) << rejected.err;
  auto job = Json::parse(Aiprod({"jobs", "show", id, "--db", Db(), "--json"}).out);
  EXPECT_EQ(job["state"], "failed");
  EXPECT_NE(job["error"].get<std::string>().find("off brand"), std::string::npos);
  EXPECT_NE(Aiprod({"approve", id, "--db", Db()}).exit_code, 0);
}

// The job actions' audit rows of a database (store/audit_log.h), oldest first.
std::vector<AuditEntry> JobAuditRows(const std::string& db) {
  std::vector<AuditEntry> out;
  auto opened = OpenDatabase(db);
  EXPECT_TRUE(opened) << opened.error().ToString();
  if (!opened) return out;
  auto rows = (*opened)->OpenAuditLog({})->List(0, 1000);
  EXPECT_TRUE(rows) << rows.error().ToString();
  if (!rows) return out;
  for (auto& r : *rows) {
    if (r.entry.action.starts_with("job.")) out.push_back(std::move(r.entry));
  }
  return out;
}

// run, edit, approve and reject write the audit rows the API's handlers write
// (one place: pipeline/job_actions), as the operator "cli:<login>".
TEST_F(CliTest, ReviewActionsWriteAuditRowsLikeTheApi) {
  std::string brief = WriteBrief(
      "b.json", R"({"content": "Short and sweet.", "preset": "announcement", "brand_id": )"
                R"("northwind-coffee"})");
  std::string ids[2];
  for (auto& id : ids) {
    auto r = Aiprod({"run", brief, "--db", Db(), "--review", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    id = Json::parse(r.out)["job_id"];
  }
  std::string patch =
      WriteBrief("patch.json",
                 R"([{"op": "replace", "path": "/variants/0/scenes/0/duration_s", "value": 3}])");
  auto edit = Aiprod({"edit", ids[0], "--file", patch, "--db", Db()});
  ASSERT_EQ(edit.exit_code, 0) << edit.err;
  ASSERT_EQ(Aiprod({"approve", ids[0], "--db", Db()}).exit_code, 0);
  EXPECT_NE(Aiprod({"approve", ids[1], "--revision", "7", "--db", Db()}).exit_code, 0);
  ASSERT_EQ(Aiprod({"reject", ids[1], "--reason", "off brand", "--db", Db()}).exit_code, 0);

  struct Want {
    std::string action, target, outcome;
    Json detail;
  };
  const std::vector<Want> want = {
      {"job.create", ids[0], "success", nullptr},
      {"job.create", ids[1], "success", nullptr},
      {"job.edit", ids[0], "success", {{"revision", 2}, {"changes", 1}}},
      {"job.approve", ids[0], "success", {{"revision", 2}}},
      {"job.approve", ids[1], "conflict", Json::object()},
      {"job.reject", ids[1], "success", {{"reason", "off brand"}}},
  };
  auto rows = JobAuditRows(Db());
  ASSERT_EQ(rows.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const AuditEntry& e = rows[i];
    EXPECT_EQ(e.action, want[i].action) << i;
    EXPECT_EQ(e.target, want[i].target) << i;
    EXPECT_EQ(e.outcome, want[i].outcome) << i;
    if (!want[i].detail.is_null()) {
      EXPECT_EQ(e.detail, want[i].detail) << i;
    }
    EXPECT_TRUE(e.principal.starts_with("cli:")) << e.principal;
    EXPECT_EQ(e.source, "cli");
    EXPECT_EQ(e.brand, "northwind-coffee");
  }
  EXPECT_EQ(rows[0].detail["brand_id"], "northwind-coffee");
  auto verify = Aiprod({"audit", "verify", "--db", Db()});
  EXPECT_EQ(verify.exit_code, 0) << verify.err << verify.out;
}

// Submission from the CLI goes through the API's checks (pipeline/job_actions
// SubmitJob): the per-brand cap of unfinished jobs.
TEST_F(CliTest, SubmitAppliesThePerBrandCap) {
  std::string brief = WriteBrief("b.json", R"({"content": "Hi.", "brand_id": "northwind-coffee"})");
  const std::vector<std::string> cap = {"AIPROD_LIMITS_MAX_ACTIVE_JOBS_PER_BRAND=1"};
  auto first = Aiprod({"submit", brief, "--db", Db()}, cap);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto second = Aiprod({"submit", brief, "--db", Db()}, cap);
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("limit_reached"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("northwind-coffee already has 1 unfinished jobs"), std::string::npos)
      << second.err;
  // `run` is refused the same way, before anything runs.
  EXPECT_EQ(Aiprod({"run", brief, "--db", Db()}, cap).exit_code, 1);
  EXPECT_EQ(JobCount(), 1u);
}

// A brand_id without a kit is said on stderr, naming the brand and where it
// was looked for; with unknown_brand = "error" the brief is refused.
TEST_F(CliTest, AnUnknownBrandIsSaidLoudly) {
  std::string brief = WriteBrief("b.json", R"({"content": "Hi.", "brand_id": "nobody-here"})");
  auto r = Aiprod({"submit", brief, "--db", Db()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'nobody-here'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(testing::SourceDir() + "/brands"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("default brand kit"), std::string::npos) << r.err;
  // A registered brand says nothing.
  auto known = Aiprod({"submit",
                       WriteBrief("k.json", R"({"content": "Hi.", "brand_id": )"
                                            R"("northwind-coffee"})"),
                       "--db", Db()});
  ASSERT_EQ(known.exit_code, 0) << known.err;
  EXPECT_EQ(known.err.find("warning"), std::string::npos) << known.err;
  auto refused = Aiprod({"submit", brief, "--db", Db()}, {"AIPROD_UNKNOWN_BRAND=error"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("not_found"), std::string::npos) << refused.err;
  EXPECT_EQ(JobCount(), 2u);
}

// Issue 4's bar: every reference brief plans, localizes into each language it
// asks for and renders (draft size here, to keep the suite quick), QA passes
// and the length honours the duration hint within 15%.
class ReferenceBriefRun : public CliTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(ReferenceBriefRun, DeliversEveryLanguageAndAspect) {
  std::string path = testing::SourceDir() + "/examples/briefs/" + GetParam() + ".json";
  auto brief = ReadJsonFile(path, "brief", 1 << 20);
  ASSERT_TRUE(brief);
  std::string out = dir_.File("out");
  auto r = Aiprod({"run", path, "--draft", "--out", out, "--db", Db(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto j = Json::parse(r.out);
  EXPECT_EQ(j["state"], "delivered");
  std::set<std::pair<std::string, std::string>> want, got;
  for (const auto& lang : (*brief)["target_langs"]) {
    for (const auto& aspect : (*brief)["aspect_ratios"]) {
      want.emplace(lang.get<std::string>(), aspect.get<std::string>());
    }
  }
  double hint = (*brief)["duration_hint_s"];
  for (const auto& a : j["artifacts"]) {
    got.emplace(a["lang"].get<std::string>(), a["aspect"].get<std::string>());
    auto p = ProbeMedia(a["video"]);
    ASSERT_TRUE(p) << p.error().ToString();
    ASSERT_TRUE(p->video && p->audio);
    EXPECT_NEAR(p->video->duration_s, hint, 0.15 * hint) << a.dump();
  }
  EXPECT_EQ(got, want);
  auto qa = ReadJsonFile(out + "/qa.json", "qa", 1 << 20);
  ASSERT_TRUE(qa);
  EXPECT_EQ((*qa)["passed"], true) << qa->dump();
}

INSTANTIATE_TEST_SUITE_P(Briefs, ReferenceBriefRun,
                         ::testing::Values("coffee-15s", "explainer-60s", "promo-fr"));

// A brand's banned words are caught before render: flagged in the markers by
// default, or the job fails naming them when the kit says "fail".
TEST_F(CliTest, BannedWordsAreFlaggedOrFailTheJobPerBrand) {
  std::string brief = WriteBrief("b.json", R"({"content": "A cheap trick. Order today.", )"
                                           R"("preset": "announcement", "draft": true})");
  auto kit = [&](const std::string& action) {
    return WriteBrief("kit-" + action + ".json",
                      R"({"brand_id": "strict", "banned_words": ["cheap"], )"
                      R"("banned_words_action": ")" +
                          action + R"("})");
  };
  auto failed = Aiprod(
      {"run", brief, "--brand", kit("fail"), "--out", dir_.File("out1"), "--db", Db(), "--json"});
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  auto f = Json::parse(failed.out);
  EXPECT_EQ(f["state"], "failed");
  auto job = Json::parse(Aiprod({"jobs", "show", f["job_id"], "--db", Db(), "--json"}).out);
  EXPECT_NE(job["error"].get<std::string>().find("cheap"), std::string::npos) << job.dump();
  EXPECT_TRUE(job["render_result"].is_null());

  auto flagged = Aiprod(
      {"run", brief, "--brand", kit("flag"), "--out", dir_.File("out2"), "--db", Db(), "--json"});
  ASSERT_EQ(flagged.exit_code, 0) << flagged.err;
  std::string id = Json::parse(flagged.out)["job_id"];
  job = Json::parse(Aiprod({"jobs", "show", id, "--db", Db(), "--json"}).out);
  EXPECT_EQ(job["consistency_markers"]["banned_words"], Json::array({"cheap"}));
}

}  // namespace
}  // namespace aiprod
