#include "model/brief.h"

#include <gtest/gtest.h>

#include "core/files.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

Result<Brief> Parse(const std::string& text) {
  auto j = ParseJsonStrict(text, "brief");
  if (!j) return Unexpected(j.error());
  return BriefFromJson(*j, BriefLimits{});
}

TEST(Brief, ReferenceBriefsParse) {
  for (auto name : {"coffee-15s", "explainer-60s", "promo-fr"}) {
    auto text = ReadFile(testing::SourceDir() + "/examples/briefs/" + name + ".json");
    ASSERT_TRUE(text) << name;
    auto b = Parse(*text);
    ASSERT_TRUE(b) << name << ": " << b.error().ToString();
    EXPECT_FALSE(b->target_langs.empty());
  }
}

TEST(Brief, Defaults) {
  auto b = Parse(R"({"content": "Hello there."})");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->preset, "social_ad");
  EXPECT_EQ(b->lang, "en");
  EXPECT_EQ(b->target_langs, std::vector<std::string>{"en"});
  EXPECT_EQ(b->aspect_ratios, std::vector<std::string>{"16:9"});
}

struct BadBrief {
  const char* json;
  const char* field;
  const char* message_part;
};

class BadBriefTest : public ::testing::TestWithParam<BadBrief> {};

TEST_P(BadBriefTest, FailsNamingTheField) {
  auto b = Parse(GetParam().json);
  ASSERT_FALSE(b) << GetParam().json;
  EXPECT_EQ(b.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(b.error().field, GetParam().field) << b.error().ToString();
  EXPECT_NE(b.error().ToString().find(GetParam().message_part), std::string::npos)
      << b.error().ToString();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadBriefTest,
    ::testing::Values(
        BadBrief{R"({})", "content", "is required"},
        BadBrief{R"({"content": "   "})", "content", "must not be empty"},
        BadBrief{R"({"content": 5})", "content", "must be a string"},
        BadBrief{R"({"content": "x", "preset": "viral"})", "preset", "unknown preset"},
        BadBrief{R"({"content": "x", "lang": "xx"})", "lang", "unknown language code"},
        BadBrief{R"({"content": "x", "target_langs": ["en", "zz"]})", "target_langs[1]",
                 "unknown language"},
        BadBrief{R"({"content": "x", "target_langs": ["en", "en"]})", "target_langs[1]",
                 "listed twice"},
        BadBrief{R"({"content": "x", "aspect_ratios": ["4:3"]})", "aspect_ratios[0]",
                 "unknown aspect ratio"},
        BadBrief{R"({"content": "x", "duration_hint_s": -5})", "duration_hint_s", "between"},
        BadBrief{R"({"content": "x", "duration_hint_s": 1e300})", "duration_hint_s", "between"},
        BadBrief{R"({"content": "x", "priority": "urgent"})", "priority", "low, normal, high"},
        BadBrief{R"({"content": "x", "brand_id": "../etc"})", "brand_id", "only letters"},
        BadBrief{R"({"content": "x", "colour": "red"})", "colour", "unknown field"},
        BadBrief{R"({"content": "a", "content": "b"})", "content", "duplicate"},
        BadBrief{R"([1, 2])", "(root)", "must be an object"}));

TEST(Brief, ContentLimitCountsCharactersNotBytes) {
  BriefLimits limits;
  limits.max_content_chars = 10;
  Json ok = {{"content", "éééééééééé"}};  // 10 characters, 20 bytes
  EXPECT_TRUE(BriefFromJson(ok, limits));
  Json long_one = {{"content", std::string(11, 'a')}};
  auto b = BriefFromJson(long_one, limits);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("the limit is 10"), std::string::npos);
}

TEST(Brief, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("café 中文 😀"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("abc\xe2\x82"));   // truncated
  EXPECT_EQ(Utf8Length("café"), 4u);
}

}  // namespace
}  // namespace aiprod
