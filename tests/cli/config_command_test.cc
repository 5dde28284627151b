// `aiprod config show` and `aiprod config keys`, run as the binary.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/config.h"
#include "core/files.h"
#include "core/json.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

// As the loader writes a joined path ($TMPDIR may end in '/').
std::string Normal(const std::string& path) {
  return std::filesystem::path(path).lexically_normal().string();
}

using testing::AiprodBinary;
using testing::RunProcess;

// The README's table comes from this command (tests/core/config_keys_test.cc).
TEST(ConfigCommand, KeysPrintsEveryKeyAndTheReadmeTable) {
  auto md = RunProcess({AiprodBinary(), "config", "keys", "--markdown"});
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_EQ(md.out, SettingsMarkdown());
  auto js = RunProcess({AiprodBinary(), "config", "keys", "--json"});
  ASSERT_EQ(js.exit_code, 0) << js.err;
  auto keys = Json::parse(js.out);
  ASSERT_EQ(keys.size(), SettingKeys().size());
  for (const auto& k : keys) {
    if (k["key"] == "render.crf") {
      EXPECT_EQ(k["env"], "AIPROD_RENDER_CRF");
      EXPECT_EQ(k["default"], "23");
      EXPECT_EQ(k["max"], 51);
    }
  }
}

// Run from any directory, a config file's relative paths name places next to
// it; the environment's stay relative to the working directory.
TEST(ConfigCommand, ShowResolvesTheFilesRelativePathsAgainstItsDirectory) {
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.File("conf/aiprod.toml"),
                              "brands_dir = \"brands\"\ndata_dir = \"state\"\n"));
  auto r = RunProcess(
      {AiprodBinary(), "config", "show", "--json", "--config", dir.File("conf/aiprod.toml")},
      {"AIPROD_STORAGE_DIR=artifacts"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = Json::parse(r.out);
  EXPECT_EQ(j["brands_dir"], Normal(dir.File("conf/brands")));
  EXPECT_EQ(j["data_dir"], Normal(dir.File("conf/state")));
  EXPECT_EQ(j["database_path"], Normal(dir.File("conf/state/aiprod.db")));
  EXPECT_EQ(j["storage.dir"], "artifacts");
}

}  // namespace
}  // namespace aiprod
