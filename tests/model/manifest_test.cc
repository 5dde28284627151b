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

// Every additive field of version 1 parses and survives a round trip.
TEST(Manifest, MediaTextStyleAudioCaptionsAndPosterRoundTrip) {
  Json j = Minimal();
  j["voice_rate_wpm"] = 150;
  j["voice_pitch"] = 40;
  j["captions"] = {{"burn_in", true}, {"size_px", 40}, {"background", "#00000080"}};
  j["poster"] = {{"scene", 1}, {"at_s", 1.5}};
  j["audio"] = {
      {"music",
       {{"asset", "music/bed.ogg"}, {"volume_db", -20}, {"duck_db", -10}, {"loop", false}}}};
  j["scenes"][0]["background"] = {{"type", "image"}, {"asset", "bg/photo.jpg"}, {"fit", "fit"}};
  j["scenes"][1]["background"] = {
      {"type", "video"}, {"asset", "clip.mp4"}, {"start_s", 2}, {"loop", false}};
  j["scenes"][1]["transition"] = {{"type", "wipe"}, {"duration_s", 0.4}, {"direction", "up"}};
  j["scenes"][0]["narration"] = {{"text", "Hi."}, {"rate_wpm", 200}, {"pitch", 70}};
  Json& layers = j["scenes"][0]["layers"];
  layers[0]["outline"] = {{"color", "#000000"}, {"width_px", 3}};
  layers[0]["shadow"] = {{"dx", 4}, {"dy", 5}, {"blur_px", 2}};
  layers[0]["min_size_px"] = 20;
  layers[0]["animations"] = Json::array({{{"property", "reveal"}, {"from", 0}, {"to", 1}}});
  layers.push_back({{"type", "image"},
                    {"asset", "product.png"},
                    {"box", {{"x", 0}, {"y", 0}, {"w", 300}, {"h", 200}}},
                    {"fit", "crop"}});
  layers.push_back({{"type", "logo"}, {"asset", "logo.webp"}, {"corner", "bottom_left"}});
  auto m = ManifestFromJson(j);
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_EQ(m->voice_rate_wpm, 150);
  EXPECT_TRUE(m->captions.burn_in);
  EXPECT_EQ(m->poster.scene, 1u);
  ASSERT_TRUE(m->audio.music);
  EXPECT_EQ(m->audio.music->asset, "music/bed.ogg");
  EXPECT_FALSE(m->audio.music->loop);
  const Scene& s0 = m->scenes[0];
  EXPECT_EQ(s0.background.kind, Background::Kind::kImage);
  EXPECT_EQ(s0.background.fit, ImageFit::kFit);
  EXPECT_EQ(m->scenes[1].background.kind, Background::Kind::kVideo);
  EXPECT_DOUBLE_EQ(m->scenes[1].background.clip_start_s, 2);
  EXPECT_EQ(m->scenes[1].transition.kind, Transition::Kind::kWipe);
  EXPECT_EQ(m->scenes[1].transition.direction, Transition::Direction::kUp);
  EXPECT_EQ(s0.narration->rate_wpm, 200);
  ASSERT_TRUE(s0.layers[0].text.outline && s0.layers[0].text.shadow);
  EXPECT_DOUBLE_EQ(s0.layers[0].text.shadow->blur_px, 2);
  EXPECT_EQ(s0.layers[0].animations[0].property, Animation::Property::kReveal);
  EXPECT_EQ(s0.layers[1].kind, Layer::Kind::kImage);
  EXPECT_EQ(s0.layers[1].image.fit, ImageFit::kCrop);
  EXPECT_EQ(s0.layers[2].kind, Layer::Kind::kLogo);
  EXPECT_EQ(s0.layers[2].logo.corner, LogoLayer::Corner::kBottomLeft);
  auto again = ManifestFromJson(ManifestToJson(*m));
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(ManifestToJson(*again), ManifestToJson(*m));
}

TEST(Manifest, AssetPathsStayInsideTheAssetDirectory) {
  for (const char* bad :
       {"/etc/passwd", "../secret.png", "a/../../b.png", "a//b.png", "./a.png", "a\\b.png", ""}) {
    Json j = Minimal();
    j["scenes"][1]["layers"][0] = {
        {"type", "image"}, {"asset", bad}, {"box", {{"x", 0}, {"y", 0}, {"w", 10}, {"h", 10}}}};
    auto m = ManifestFromJson(j);
    ASSERT_FALSE(m) << bad;
    EXPECT_EQ(m.error().field, "scenes[1].layers[0].asset") << bad;
  }
  EXPECT_TRUE(CheckAssetPath("brand/logo.png", "f"));
  EXPECT_TRUE(CheckAssetPath("a..b.png", "f"));
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
        BadManifest{[](Json& j) { j.erase("manifest_version"); }, "manifest_version: is required"},
        BadManifest{[](Json& j) { j["manifest_version"] = 7; },
                    "manifest_version: version 7 is not supported (this build reads version 1)"},
        BadManifest{[](Json& j) { j["scenes"] = Json::array(); },
                    "scenes: must contain at least one scene"},
        BadManifest{[](Json& j) { j["scenes"][0]["background"]["color"] = "red"; },
                    "scenes[0].background.color: must be a colour like #RRGGBB or #RRGGBBAA"},
        BadManifest{[](Json& j) { j["scenes"][0]["layers"][0]["type"] = "video"; },
                    "scenes[0].layers[0].type: must be one of text, rect, image, logo"},
        BadManifest{[](Json& j) { j["scenes"][0]["layers"][0]["text"] = ""; },
                    "scenes[0].layers[0].text: must not be empty"},
        BadManifest{[](Json& j) { j["scenes"][0]["layers"][0]["role"] = "hero"; },
                    "scenes[0].layers[0].role: must be one of title, subtitle, body, caption, cta"},
        BadManifest{[](Json& j) {
                      j["scenes"][1]["transition"] = {{"type", "crossfade"}, {"duration_s", 2.5}};
                    },
                    "scenes[1].transition.duration_s: must be shorter than this scene and the "
                    "previous one"},
        BadManifest{[](Json& j) {
                      j["canvas"] = {{"width", 100000}};
                    },
                    "canvas.width: must be between 16 and 4096"},
        BadManifest{[](Json& j) { j["scenes"][0]["extra"] = 1; }, "scenes[0].extra: unknown field"},
        BadManifest{[](Json& j) {
                      j["scenes"][0]["layers"][0]["animations"] =
                          Json::array({{{"property", "opacity"}, {"from", 0}, {"to", 3}}});
                    },
                    "scenes[0].layers[0].animations[0]: opacity must stay between 0 and 1"},
        BadManifest{[](Json& j) {
                      j["scenes"][0]["layers"] = Json::array(
                          {{{"type", "rect"},
                            {"box", {{"x", 0}, {"y", 0}, {"w", 1}, {"h", 1}}},
                            {"animations",
                             Json::array({{{"property", "reveal"}, {"from", 0}, {"to", 1}}})}}});
                    },
                    "scenes[0].layers[0].animations[0].property: reveal applies to text layers "
                    "only"},
        BadManifest{[](Json& j) {
                      j["scenes"][0]["background"] = {{"type", "image"}};
                    },
                    "scenes[0].background.asset: is required"},
        BadManifest{[](Json& j) {
                      j["scenes"][1]["transition"] = {{"type", "slide"}, {"direction", "sideways"}};
                    },
                    "scenes[1].transition.direction: must be one of left, right, up, down"},
        BadManifest{[](Json& j) { j["voice_rate_wpm"] = 20; },
                    "voice_rate_wpm: must be between 80 and 450"},
        BadManifest{[](Json& j) {
                      j["poster"] = {{"scene", 5}};
                    },
                    "poster.scene: must be between 0 and 1"},
        BadManifest{[](Json& j) {
                      j["audio"] = {{"music", {{"asset", "../x.mp3"}}}};
                    },
                    "audio.music.asset: must stay inside the job's asset directory (no '..')"}));

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
