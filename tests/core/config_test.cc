#include "core/config.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/files.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

// As the loader writes a joined path ($TMPDIR may end in '/').
std::string Normal(const std::string& path) {
  return std::filesystem::path(path).lexically_normal().string();
}

TEST(Config, DefaultsAreValid) {
  auto c = LoadConfig("", {});
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->render.crf, 23);
  EXPECT_EQ(c->DatabasePath(), ".aiprod/aiprod.db");
}

TEST(Config, FileThenEnvironmentOverride) {
  testing::TempDir dir;
  ASSERT_TRUE(
      WriteFileAtomic(dir.File("a.toml"), "data_dir = \"/tmp/x\"\n[render]\ncrf = 30\nfps = 25\n"));
  auto c = LoadConfig(dir.File("a.toml"), {{"AIPROD_RENDER_CRF", "18"}});
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->data_dir, "/tmp/x");
  EXPECT_EQ(c->render.fps, 25);
  EXPECT_EQ(c->render.crf, 18);
}

TEST(Config, RejectsUnknownKeysBadValuesAndRanges) {
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.File("bad.toml"), "[render]\ncrff = 30\n"));
  auto c = LoadConfig(dir.File("bad.toml"), {});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().field, "render.crff");

  auto range = LoadConfig("", {{"AIPROD_RENDER_CRF", "99"}});
  ASSERT_FALSE(range);
  EXPECT_EQ(range.error().field, "render.crf");
  EXPECT_NE(range.error().message.find("between 0 and 51"), std::string::npos);

  EXPECT_FALSE(LoadConfig("", {{"AIPROD_RENDER_FPS", "2.5"}}));
  EXPECT_FALSE(LoadConfig("", {{"AIPROD_RENDER_FPS", "fast"}}));
  EXPECT_FALSE(LoadConfig("", {{"AIPROD_LOG_LEVEL", "loud"}}));
  EXPECT_FALSE(LoadConfig(dir.File("missing.toml"), {}));
  ASSERT_TRUE(WriteFileAtomic(dir.File("syntax.toml"), "[render\n"));
  EXPECT_FALSE(LoadConfig(dir.File("syntax.toml"), {}));
}

// The connection and token bounds of issue 20: safe defaults, settable, and
// refused out of range with their key's name.
TEST(Config, ConnectionAndTokenBounds) {
  auto c = LoadConfig("", {});
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->api.max_connections_per_ip, 64);
  EXPECT_EQ(c->api.connection_reserve, 8);
  EXPECT_EQ(c->auth.max_token_lifetime_s, 86400);
  auto set = LoadConfig("", {{"AIPROD_API_MAX_CONNECTIONS_PER_IP", "0"},
                             {"AIPROD_API_CONNECTION_RESERVE", "2"},
                             {"AIPROD_AUTH_MAX_TOKEN_LIFETIME_S", "3600"}});
  ASSERT_TRUE(set) << set.error().ToString();
  EXPECT_EQ(set->api.max_connections_per_ip, 0);
  EXPECT_EQ(set->api.connection_reserve, 2);
  EXPECT_EQ(set->auth.max_token_lifetime_s, 3600);
  for (auto [env, key] :
       {std::pair{"AIPROD_API_MAX_CONNECTIONS_PER_IP", "api.max_connections_per_ip"},
        std::pair{"AIPROD_API_CONNECTION_RESERVE", "api.connection_reserve"},
        std::pair{"AIPROD_AUTH_MAX_TOKEN_LIFETIME_S", "auth.max_token_lifetime_s"}}) {
    auto bad = LoadConfig("", {{env, "-1"}});
    ASSERT_FALSE(bad) << env;
    EXPECT_EQ(bad.error().field, key);
  }
}

TEST(Config, SecretsComeFromFilesAndAreRedacted) {
  testing::TempDir dir;
  std::string secret(40, 'k');
  ASSERT_TRUE(WriteFileAtomic(dir.File("secret"), secret + "\n"));
  auto c = LoadConfig("", {{"AIPROD_SIGNING_SECRET_FILE", dir.File("secret")}});
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->signing_secret, secret);
  Json shown = c->ToJsonRedacted();
  EXPECT_EQ(shown["signing_secret"], "<redacted>");
  EXPECT_EQ(shown.dump().find(secret), std::string::npos);
}

// Relative paths in the config file name places next to the file, so a
// command run from another directory finds the same brands and database.
// URLs and absolute paths stay as written.
TEST(Config, RelativePathsInTheFileResolveAgainstItsDirectory) {
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.File("conf/aiprod.toml"),
                              "data_dir = \"../state\"\nbrands_dir = \"brands\"\n"
                              "database = \"db/a.db\"\n[storage]\ndir = \"/abs/artifacts\"\n"
                              "[auth]\njwks_file = \"./keys/jwks.json\"\n"
                              "jwks_url = \"file:keys\"\n[api]\nlisten = \"x:1\"\n"));
  auto c = LoadConfig(dir.File("conf/aiprod.toml"), {});
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->data_dir, Normal(dir.File("state")));
  EXPECT_EQ(c->brands_dir, Normal(dir.File("conf/brands")));
  EXPECT_EQ(c->database, Normal(dir.File("conf/db/a.db")));
  EXPECT_EQ(c->DatabasePath(), Normal(dir.File("conf/db/a.db")));
  EXPECT_EQ(c->storage.dir, "/abs/artifacts");
  EXPECT_EQ(c->auth.jwks_file, Normal(dir.File("conf/keys/jwks.json")));
  EXPECT_EQ(c->auth.jwks_url, "file:keys");  // not a path key
  EXPECT_EQ(c->api.listen, "x:1");

  ASSERT_TRUE(WriteFileAtomic(dir.File("conf/pg.toml"),
                              "database = \"postgres://u@localhost/db\"\ndata_dir = \".\"\n"));
  auto pg = LoadConfig(dir.File("conf/pg.toml"), {});
  ASSERT_TRUE(pg) << pg.error().ToString();
  EXPECT_EQ(pg->database, "postgres://u@localhost/db");
  EXPECT_EQ(pg->data_dir, Normal(dir.File("conf")));
}

// Paths from the environment or the defaults keep naming places in the
// working directory, even when a config file is loaded too.
TEST(Config, EnvironmentAndDefaultPathsStayRelativeToTheWorkingDirectory) {
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.File("conf/aiprod.toml"), "[render]\ncrf = 20\n"));
  auto c = LoadConfig(dir.File("conf/aiprod.toml"),
                      {{"AIPROD_BRANDS_DIR", "kits"}, {"AIPROD_STORAGE_DIR", "out"}});
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->brands_dir, "kits");
  EXPECT_EQ(c->storage.dir, "out");
  EXPECT_EQ(c->data_dir, ".aiprod");
  EXPECT_EQ(c->DatabasePath(), ".aiprod/aiprod.db");
}

TEST(Config, ProductionRequiresAStrongSecret) {
  auto weak = LoadConfig("", {{"AIPROD_ENV", "production"}, {"AIPROD_SIGNING_SECRET", "short"}});
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().field, "signing_secret");
}

}  // namespace
}  // namespace aiprod
