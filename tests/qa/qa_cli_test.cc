// `aiprod qa`: exit 0 when every check passes, 1 when one fails, 2 for bad
// input; --json prints the report.
#include <gtest/gtest.h>

#include <fstream>

#include "core/files.h"
#include "core/json.h"
#include "qa_fixtures.h"
#include "render/renderer.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

class QaCli : public ::testing::Test {
 protected:
  testing::ProcessResult Aiprod(std::vector<std::string> args) {
    std::vector<std::string> argv = {testing::AiprodBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunProcess(argv, {"AIPROD_DATA_DIR=" + dir_.File("data")});
  }
  std::string RenderTo(const std::string& name, const Manifest& m) {
    std::string path = dir_.File(name);
    auto r = RenderVideo(m, testing::TestRenderSettings(), path);
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    return path;
  }
  testing::TempDir dir_;
};

TEST_F(QaCli, ExitCodesAndJson) {
  Manifest promised = testing::PromisedManifest();
  std::string manifest = dir_.File("manifest.json");
  ASSERT_TRUE(WriteFileAtomic(manifest, ManifestToJson(promised).dump(2)));
  std::string good = RenderTo("good.mp4", promised);

  auto ok = Aiprod({"qa", good, "--manifest", manifest, "--json"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err << ok.out;
  Json j = Json::parse(ok.out);
  EXPECT_EQ(j["passed"], true);
  ASSERT_TRUE(j["checks"].is_array());
  EXPECT_GT(j["checks"].size(), 20u);
  for (const auto& c : j["checks"]) {
    for (const char* key : {"name", "value", "threshold", "passed"}) {
      EXPECT_TRUE(c.contains(key)) << c.dump();
    }
  }

  Manifest broken = promised;
  broken.scenes[0].layers[0].text.text = "Stale tea leaves";
  std::string bad = RenderTo("bad.mp4", broken);
  auto failed = Aiprod({"qa", bad, "--manifest", manifest});
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  EXPECT_NE(failed.out.find("ocr_text[0]"), std::string::npos) << failed.out;

  auto missing = Aiprod({"qa", dir_.File("nope.mp4"), "--manifest", manifest});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  std::ofstream(dir_.File("junk.mp4")) << "junk";
  auto junk = Aiprod({"qa", dir_.File("junk.mp4"), "--manifest", manifest});
  EXPECT_EQ(junk.exit_code, 2) << junk.err;
  ASSERT_TRUE(WriteFileAtomic(dir_.File("bad.json"), R"({"manifest_version": 1, "scenes": []})"));
  auto bad_manifest = Aiprod({"qa", good, "--manifest", dir_.File("bad.json")});
  EXPECT_EQ(bad_manifest.exit_code, 2) << bad_manifest.err;
  auto no_manifest = Aiprod({"qa", good});
  EXPECT_EQ(no_manifest.exit_code, 2);
}

}  // namespace
}  // namespace aiprod
