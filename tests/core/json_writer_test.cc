#include "core/json_writer.h"

#include <gtest/gtest.h>

namespace aiprod {
namespace {

std::string Dumped(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

TEST(JsonWriter, NestsAndSeparates) {
  JsonWriter w;
  w.BeginObject().Member("a", 1).Key("b").BeginArray();
  w.Int(-2).Bool(true).Null().BeginObject().EndObject().BeginArray().EndArray();
  w.EndArray().Member("c", "x").Key("d").BeginObject().Member("e", false).EndObject().EndObject();
  EXPECT_EQ(w.text(), R"({"a":1,"b":[-2,true,null,{},[]],"c":"x","d":{"e":false}})");
  EXPECT_TRUE(Json::accept(w.text()));
}

TEST(JsonWriter, EscapesStringsAsJsonDumpDoes) {
  const std::string invalid_utf8 = "caf\xc3";  // cut in the middle of a character
  for (std::string s : {std::string("plain"), std::string(""), std::string("quote \" and \\ back"),
                        std::string("tab\there\nline\x01"), std::string("café 東京 مرحبا"),
                        invalid_utf8, std::string("a\0b", 3)}) {
    JsonWriter w;
    w.BeginObject().Member(s, s).EndObject();
    EXPECT_EQ(w.text(), Dumped(Json{{s, s}})) << s;
  }
}

TEST(JsonWriter, ValuesPrintAsDump) {
  Json doc = Json::parse(R"({"z":[1,2.5,"x"],"a":{"n":null},"u":"é"})");
  JsonWriter w;
  w.BeginArray().Value(doc).Value(Json()).Value(Json(Json::value_t::discarded)).EndArray();
  EXPECT_EQ(w.text(), "[" + Dumped(doc) + ",null,null]");
}

TEST(JsonWriter, LargeIntegers) {
  JsonWriter w;
  w.BeginArray().Int(INT64_MIN).Int(INT64_MAX).Int(0).EndArray();
  EXPECT_EQ(w.text(), Dumped(Json::array({INT64_MIN, INT64_MAX, 0})));
}

}  // namespace
}  // namespace aiprod
