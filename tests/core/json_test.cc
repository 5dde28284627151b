#include "core/json.h"

#include <gtest/gtest.h>

namespace aiprod {
namespace {

TEST(ParseJsonStrict, AcceptsValidJson) {
  auto j = ParseJsonStrict(R"({"a": [1, {"b": 2}], "c": "é"})", "doc");
  ASSERT_TRUE(j) << j.error().ToString();
  EXPECT_EQ((*j)["a"][1]["b"], 2);
}

TEST(ParseJsonStrict, ANumberTooLargeForADoubleIsAnErrorNotAnException) {
  // Found by fuzz_manifest; nlohmann throws out_of_range.406 for it.
  auto j =
      ParseJsonStrict(R"({"duration_s": 155555E55555555555555555555555555555555920})", "brief");
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(j.error().message.find("out of range"), std::string::npos) << j.error().message;
}

TEST(ParseJsonStrict, RejectsDuplicateKeysNamingThem) {
  auto j = ParseJsonStrict(R"({"content": "a", "content": "b"})", "brief");
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(j.error().field, "content");
  EXPECT_NE(j.error().message.find("duplicate"), std::string::npos);
}

TEST(ParseJsonStrict, DuplicateKeysInNestedObjectsAndArrays) {
  EXPECT_FALSE(ParseJsonStrict(R"({"a": [{"x": 1, "x": 2}]})", "doc"));
  // The same key in sibling objects is fine.
  EXPECT_TRUE(ParseJsonStrict(R"({"a": [{"x": 1}, {"x": 2}], "b": {"x": 3}})", "doc"));
}

TEST(ParseJsonStrict, RejectsInvalidUtf8TrailingGarbageAndDeepNesting) {
  EXPECT_FALSE(ParseJsonStrict("{\"a\": \"\xff\xfe\"}", "doc"));
  EXPECT_FALSE(ParseJsonStrict("{} x", "doc"));
  EXPECT_FALSE(ParseJsonStrict("", "doc"));
  std::string deep(100, '[');
  deep += std::string(100, ']');
  auto j = ParseJsonStrict(deep, "doc", 64);
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().message.find("deeper"), std::string::npos);
}

TEST(ObjectReader, NamesTheFieldPathInErrors) {
  Json j = {{"duration_s", 90}, {"name", 3}, {"n", 1.5}, {"flag", "yes"}};
  auto r = ObjectReader::Open(j, "scenes[3]");
  ASSERT_TRUE(r);
  auto d = r->Number("duration_s", 0.5, 60);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().ToString(), "scenes[3].duration_s: must be between 0.5 and 60");
  EXPECT_EQ(r->String("name").error().ToString(), "scenes[3].name: must be a string");
  EXPECT_EQ(r->String("missing").error().ToString(), "scenes[3].missing: is required");
  EXPECT_EQ(r->Int("n", 0, 10).error().ToString(), "scenes[3].n: must be an integer");
  EXPECT_EQ(r->Bool("flag", false).error().ToString(), "scenes[3].flag: must be true or false");
  EXPECT_EQ(r->OnlyKeys({"duration_s", "name", "n"}).error().ToString(),
            "scenes[3].flag: unknown field");
}

TEST(ObjectReader, OptionalFieldsAndLimits) {
  Json j = {{"s", "abcdef"}, {"i", 7}};
  auto r = ObjectReader::Open(j, "");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->OptString("nope")->has_value());
  EXPECT_FALSE(r->OptString("s", 3));
  EXPECT_EQ(**r->OptInt("i", 0, 10), 7);
  EXPECT_EQ(*r->Bool("absent", true), true);
  EXPECT_FALSE(ObjectReader::Open(Json::array(), "x"));
}

}  // namespace
}  // namespace aiprod
