#include "model/manifest.h"

#include <gtest/gtest.h>

namespace aiprod {
namespace {

Json MinimalScene(double duration) {
  return {{"duration_s", duration},
          {"background", {{"type", "solid"}, {"color", "#112233"}}},
          {"layers", Json::array({{{"type", "text"}, {"text", "Hello"}}})}};
}

Json Minimal() {
  return {{"manifest_version", 1}, {"scenes", Json::array({MinimalScene(2), MinimalScene(3)})}};
}

TEST(Manifest, ParsesAndRoundTrips) {
  Json j = Minimal();
  j["scenes"][1]["transition"] = {{"type", "crossfade"}, {"duration_s", 0.5}};
  j["scenes"][0]["layers"].push_back(
      {{"type", "rect"},
       {"box", {{"x", 10}, {"y", 20}, {"w", 30}, {"h", 40}}},
       {"color", "#ff000080"},
       {"animations", Json::array({{{"property", "x"}, {"from", 0}, {"to", 100}}})}});
  j["scenes"][0]["narration"] = {{"text", "Hi."}, {"start_s", 0.2}};
  auto m = ManifestFromJson(j);
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_EQ(m->scenes[0].id, "s1");
  EXPECT_EQ(m->scenes[0].layers[1].rect.color, (Color{255, 0, 0, 128}));
  EXPECT_DOUBLE_EQ(m->TotalDuration(), 4.5);
  EXPECT_EQ(m->SceneStarts(), (std::vector<double>{0, 1.5}));
  auto again = ManifestFromJson(ManifestToJson(*m));
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(ManifestToJson(*again), ManifestToJson(*m));
}

struct BadManifest {
  std::function<void(Json&)> edit;
  const char* error;
};

class BadManifestTest : public ::testing::TestWithParam<BadManifest> {};

TEST_P(BadManifestTest, PreciseMessage) {
  Json j = Minimal();
  GetParam().edit(j);
  auto m = ManifestFromJson(j);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().ToString(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadManifestTest,
    ::testing::Values(
        BadManifest{[](Json& j) { j["scenes"][1]["duration_s"] = 90; },
                    "scenes[1].duration_s: must be between 0.5 and 60"},
        BadManifest{[](Json& j) { j.erase("manifest_version"); },
                    "manifest_version: is required"},
        BadManifest{[](Json& j) { j["manifest_version"] = 7; },
                    "manifest_version: version 7 is not supported (this build reads version 1)"},
        BadManifest{[](Json& j) { j["scenes"] = Json::array(); },
                    "scenes: must contain at least one scene"},
        BadManifest{[](Json& j) { j["scenes"][0]["background"]["color"] = "red"; },
                    "scenes[0].background.color: must be a colour like #RRGGBB or #RRGGBBAA"},
        BadManifest{[](Json& j) { j["scenes"][0]["layers"][0]["type"] = "video"; },
                    "scenes[0].layers[0].type: must be one of text, rect"},
        BadManifest{[](Json& j) { j["scenes"][0]["layers"][0]["text"] = ""; },
                    "scenes[0].layers[0].text: must not be empty"},
        BadManifest{[](Json& j) { j["scenes"][0]["layers"][0]["role"] = "hero"; },
                    "scenes[0].layers[0].role: must be one of title, subtitle, body, caption, cta"},
        BadManifest{[](Json& j) {
                      j["scenes"][1]["transition"] = {{"type", "crossfade"}, {"duration_s", 2.5}};
                    },
                    "scenes[1].transition.duration_s: must be shorter than this scene and the "
                    "previous one"},
        BadManifest{[](Json& j) { j["canvas"] = {{"width", 100000}}; },
                    "canvas.width: must be between 16 and 4096"},
        BadManifest{[](Json& j) { j["scenes"][0]["extra"] = 1; }, "scenes[0].extra: unknown field"},
        BadManifest{[](Json& j) {
                      j["scenes"][0]["layers"][0]["animations"] =
                          Json::array({{{"property", "opacity"}, {"from", 0}, {"to", 3}}});
                    },
                    "scenes[0].layers[0].animations[0]: opacity must stay between 0 and 1"}));

TEST(Manifest, TotalDurationLimit) {
  Json j = Minimal();
  ManifestLimits limits;
  limits.max_total_s = 4;
  auto m = ManifestFromJson(j, limits);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().field, "scenes");
}

TEST(ProductionManifest, ErrorsNameTheVariant) {
  Json bad = Minimal();
  bad["scenes"][0]["duration_s"] = 0.1;
  Json pm = {{"revision", 1}, {"variants", Json::array({Minimal(), bad})}};
  auto p = ProductionManifestFromJson(pm);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().field, "variants[1].scenes[0].duration_s");
}

}  // namespace
}  // namespace aiprod
