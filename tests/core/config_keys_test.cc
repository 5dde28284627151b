// The key tables (core/config_key.h) are the one list of settings: loading,
// bounds, `config show` and the README's table all follow from them.
#include <gtest/gtest.h>

#include <set>

#include "core/config.h"
#include "core/files.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

TEST(ConfigKeys, EveryKeyIsNamedOnceDocumentedAndShown) {
  auto keys = SettingKeys();
  ASSERT_GT(keys.size(), 90u);
  Json shown = Config{}.ToJsonRedacted();
  std::set<std::string> names, envs;
  for (const auto& k : keys) {
    EXPECT_TRUE(names.insert(k.key).second) << "declared twice: " << k.key;
    EXPECT_TRUE(envs.insert(k.env).second) << "environment name taken twice: " << k.env;
    EXPECT_FALSE(k.help.empty()) << k.key;
    EXPECT_EQ(k.help.find('|'), std::string::npos) << k.key << ": breaks the README table";
    EXPECT_TRUE(shown.contains(k.key)) << "not in config show: " << k.key;
  }
  EXPECT_EQ(shown.size(), keys.size());
  for (const auto& name : SecretSettingNames()) EXPECT_EQ(shown[name], "<unset>") << name;
}

// Two rows landing in the same member would make one key silently win:
// setting every key to a value of its own and reading it back finds that.
TEST(ConfigKeys, EveryKeyLandsInAMemberOfItsOwn) {
  std::map<std::string, std::string> env;
  std::map<std::string, Json> expected;
  for (const auto& k : SettingKeys()) {
    if (k.type == "integer" || k.type == "number") continue;
    if (!k.choices.empty() || k.type == "secret") continue;  // their own tests
    if (k.key == "secrets_file") continue;                   // would be read
    env[k.env] = "/value-of/" + k.key;
    expected[k.key] = env[k.env];
  }
  ASSERT_GT(expected.size(), 8u);
  auto c = LoadConfig("", env);
  ASSERT_TRUE(c) << c.error().ToString();
  Json shown = c->ToJsonRedacted();
  for (const auto& [key, value] : expected) EXPECT_EQ(shown[key], value) << key;
}

// Each numeric key's bounds, from its table row, are enforced with its name.
TEST(ConfigKeys, EveryNumberIsRefusedOutsideItsBoundsNamingItsKey) {
  int checked = 0;
  for (const auto& k : SettingKeys()) {
    if (k.type != "integer" && k.type != "number") continue;
    auto text = [&](double v) {
      return k.type == "integer" ? std::to_string(static_cast<int64_t>(v)) : FormatNumber(v);
    };
    for (const std::string& edge : {text(k.min), text(k.max)}) {
      auto ok = LoadConfig("", {{k.env, edge}});
      // Only a rule between two keys (min_scene_s <= max_scene_s) may refuse a bound.
      EXPECT_TRUE(ok || ok.error().message.find("must not exceed") != std::string::npos)
          << k.key << " = " << edge << ": " << ok.error().ToString();
    }
    for (const char* bad : {"-1e12", "1e12", "x"}) {
      auto r = LoadConfig("", {{k.env, bad}});
      ASSERT_FALSE(r) << k.key << " = " << bad;
      EXPECT_EQ(r.error().field, k.key);
      EXPECT_NE(r.error().message.find(k.env), std::string::npos) << r.error().message;
    }
    ++checked;
  }
  EXPECT_GT(checked, 70);
}

// The README's settings table is `aiprod config keys --markdown`: a key
// added, removed or re-described without regenerating it fails here.
TEST(ConfigKeys, ReadmeTableIsGeneratedFromTheKeys) {
  auto readme = ReadFile(testing::SourceDir() + "/README.md");
  ASSERT_TRUE(readme) << readme.error().ToString();
  const std::string begin = "<!-- settings table: aiprod config keys --markdown -->\n";
  const std::string end = "<!-- end of settings table -->";
  auto b = readme->find(begin);
  auto e = readme->find(end);
  ASSERT_NE(b, std::string::npos) << "marker missing: " << begin;
  ASSERT_NE(e, std::string::npos) << "marker missing: " << end;
  EXPECT_EQ(readme->substr(b + begin.size(), e - b - begin.size()), SettingsMarkdown())
      << "README.md's settings table is stale: replace it with `aiprod config keys --markdown`";
}

}  // namespace
}  // namespace aiprod
