#include "core/config.h"

#include <gtest/gtest.h>

#include "core/files.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

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

TEST(Config, ProductionRequiresAStrongSecret) {
  auto weak = LoadConfig("", {{"AIPROD_ENV", "production"}, {"AIPROD_SIGNING_SECRET", "short"}});
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().field, "signing_secret");
}

}  // namespace
}  // namespace aiprod
