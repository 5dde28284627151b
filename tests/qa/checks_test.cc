// The measuring pieces of QA on inputs made in the test: text matching,
// picture metrics, WebVTT, the report, and what the plan derives from a manifest.
#include <gtest/gtest.h>

#include <cmath>

#include "qa/captions.h"
#include "qa/frame_metrics.h"
#include "qa/qa_plan.h"
#include "qa/report.h"
#include "qa/text_match.h"
#include "qa_fixtures.h"

namespace aiprod {
namespace {

RgbImage Solid(int w, int h, Rgb c) {
  RgbImage img;
  img.width = w;
  img.height = h;
  for (int i = 0; i < w * h; ++i) img.pixels.insert(img.pixels.end(), {c.r, c.g, c.b});
  return img;
}

void Fill(RgbImage& img, int x0, int y0, int x1, int y1, Rgb c) {
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      size_t i = (static_cast<size_t>(y) * img.width + x) * 3;
      img.pixels[i] = c.r;
      img.pixels[i + 1] = c.g;
      img.pixels[i + 2] = c.b;
    }
  }
}

TEST(TextMatch, CharacterErrorRate) {
  EXPECT_DOUBLE_EQ(CharacterErrorRate({"Fresh roast"}, "Fresh roast"), 0);
  // Case, line breaks, typographic quotes and text around it do not count.
  EXPECT_DOUBLE_EQ(CharacterErrorRate({"It\u2019s FRESH roast"}, "logo\nit's fresh\n roast\n"), 0);
  EXPECT_NEAR(CharacterErrorRate({"Fresh roast"}, "Fresh r0ast"), 1.0 / 11, 1e-9);
  EXPECT_GT(CharacterErrorRate({"Fresh roast coffee"}, "Stale tea leaves"), 0.5);
  EXPECT_DOUBLE_EQ(CharacterErrorRate({"Fresh roast coffee"}, ""), 1);
  // Each expected text is found wherever it is; the errors add up.
  EXPECT_NEAR(CharacterErrorRate({"Order today", "Free delivery"}, "Free delivery\nOrder tod4y"),
              1.0 / 24, 1e-9);
  EXPECT_DOUBLE_EQ(CharacterErrorRate({}, "anything"), 0);
  // A word hyphenated at a line break reads as the word.
  EXPECT_DOUBLE_EQ(CharacterErrorRate({"Ordenan hoy"}, "Orden-\nan hoy"), 0);
  EXPECT_EQ(NormalizeForMatch("  a \t b\n"), U"a b");
  EXPECT_EQ(SubstringEditDistance(U"abc", U"xxabcxx"), 0u);
  EXPECT_EQ(SubstringEditDistance(U"abc", U""), 3u);
}

TEST(FrameMetrics, DarkChangedAndColours) {
  RgbImage black = Solid(320, 180, {0, 0, 0});
  RgbImage blue = Solid(320, 180, {21, 101, 192});
  EXPECT_DOUBLE_EQ(DarkFraction(black), 1);
  EXPECT_DOUBLE_EQ(DarkFraction(blue), 0);
  RgbImage text_on_black = black;
  Fill(text_on_black, 100, 80, 220, 100, {255, 255, 255});
  EXPECT_GT(DarkFraction(text_on_black), 0.95);  // a little text does not make it "not black"

  GreyThumb a = MakeThumb(blue), b = MakeThumb(blue);
  EXPECT_EQ(a.width, 160);
  EXPECT_EQ(a.height, 90);
  EXPECT_DOUBLE_EQ(ChangedFraction(a, b), 0);
  RgbImage moved = blue;
  Fill(moved, 0, 0, 40, 40, {255, 179, 0});
  EXPECT_GT(ChangedFraction(a, MakeThumb(moved)), 0.02);
  EXPECT_DOUBLE_EQ(ChangedFraction(a, MakeThumb(Solid(100, 100, {0, 0, 0}))), 1);  // sizes differ

  auto colours = DominantColours(moved);
  ASSERT_GE(colours.size(), 2u);
  EXPECT_NEAR(colours[0].fraction, 1 - 1600.0 / (320 * 180), 0.01);
  EXPECT_NEAR(ShareNear(colours, testing::Hex("#1565C0"), 5), colours[0].fraction, 1e-9);
  EXPECT_NEAR(ShareNear(colours, testing::Hex("#FFB300"), 5), 1600.0 / (320 * 180), 0.005);
  EXPECT_DOUBLE_EQ(ShareNear(colours, testing::Hex("#C62828"), 12), 0);
  EXPECT_DOUBLE_EQ(DeltaE(testing::Hex("#123456"), testing::Hex("#123456")), 0);
  EXPECT_GT(DeltaE(testing::Hex("#000000"), testing::Hex("#FFFFFF")), 99);
}

TEST(WebVtt, ParsesCuesAndRefusesGarbage) {
  auto cues = ParseWebVtt(
      "WEBVTT - captions\nKind: captions\n\nNOTE a comment\nspanning lines\n\n1\n"
      "00:00:00.100 --> 00:00:01.500 align:center\n<v Narrator>Fresh &amp; roast</v>\nline two\n"
      "\n01:02.250 --> 01:03.000\nsecond\n");
  ASSERT_TRUE(cues.has_value()) << cues.error().ToString();
  ASSERT_EQ(cues->size(), 2u);
  EXPECT_DOUBLE_EQ((*cues)[0].start_s, 0.1);
  EXPECT_DOUBLE_EQ((*cues)[0].end_s, 1.5);
  EXPECT_EQ((*cues)[0].text, "Fresh & roast\nline two");
  EXPECT_DOUBLE_EQ((*cues)[1].start_s, 62.25);
  EXPECT_FALSE(ParseWebVtt("not vtt").has_value());
  auto bad = ParseWebVtt("WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nbackwards\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("line 3"), std::string::npos) << bad.error().message;
}

TEST(Report, ScoreSummaryTransientAndSkipped) {
  QaReport r;
  r.checks.push_back({"a", 1, 1, true, ""});
  r.checks.push_back({"b", 2, 1, false, "b is off"});
  QaCheck skipped{"ocr_text", nullptr, 0.25, true, "skipped: no model"};
  skipped.skipped = true;
  r.checks.push_back(skipped);
  EXPECT_FALSE(r.Passed());
  EXPECT_DOUBLE_EQ(r.Score(), 0.5);  // skipped checks do not count
  EXPECT_EQ(r.Summary(), "1/2 checks passed, 1 skipped\n- b: b is off");
  EXPECT_FALSE(r.FailedTransiently());
  r.checks.push_back({"file_integrity", false, true, false, "truncated", true});
  EXPECT_TRUE(r.FailedTransiently());
  Json j = r.ToJson();
  EXPECT_EQ(j["checks"][2]["skipped"], true);
  EXPECT_EQ(j["checks"][3]["transient"], true);
}

TEST(QaPlan, LooksAwayFromTransitionsAndKnowsWhatMustMove) {
  Manifest m = testing::PromisedManifest();
  // Scene 1 fades its title in over its first second.
  m.scenes[1].layers[0].animations.push_back(
      {Animation::Property::kOpacity, 0, 1, 0, 1.0, Easing::kLinear});
  QaPlan plan = PlanQa(m, 640, 360, QaSettings{});
  ASSERT_EQ(plan.scenes.size(), 2u);
  // Scene 0: [0, 2), covered by scene 1 from 1.6 s: looks at 0.8 s.
  EXPECT_NEAR(plan.scenes[0].look_s, 0.8, 1e-9);
  // Scene 1: [1.6, 3.6); clean from 2.0, its title settled at 2.6: looks at 3.1 s.
  EXPECT_NEAR(plan.scenes[1].look_s, 3.1, 1e-9);
  EXPECT_EQ(plan.scenes[1].texts, std::vector<std::string>{"Order today"});
  ASSERT_EQ(plan.scenes[0].palette.size(), 2u);
  EXPECT_EQ(plan.scenes[0].palette[0], testing::Hex("#1565C0"));
  EXPECT_EQ(plan.scenes[0].palette[1], testing::Hex("#FFFFFF"));
  EXPECT_EQ(plan.scenes[0].black_times.size(), 3u);
  // The box, the title fade (in the clean part of scene 1) and the scene change.
  ASSERT_EQ(plan.motion.size(), 3u);
  for (const auto& mo : plan.motion) {
    EXPECT_LT(mo.from_s, mo.to_s);
    if (mo.reason.find("animates") != std::string::npos) {
      EXPECT_GE(mo.from_s, 2.0);
    }
  }
  ASSERT_EQ(plan.narration.size(), 2u);
  EXPECT_NEAR(plan.narration[1].start_s, 1.8, 1e-9);
  EXPECT_FALSE(plan.narration[1].end_known);
  ASSERT_TRUE(plan.loudness_target.has_value());
  EXPECT_DOUBLE_EQ(*plan.loudness_target, -16);
  EXPECT_EQ(plan.ocr_model, "eng");
  // With the renderer's cues, speech spans are known.
  QaPlan cued = PlanQa(m, 640, 360, QaSettings{}, nullptr, {{1, 1.8, 2.9}});
  EXPECT_TRUE(cued.narration[1].end_known);
  EXPECT_DOUBLE_EQ(cued.narration[1].end_s, 2.9);
  // Markers' palettes win over the manifest's colours.
  Json scene = Json::object();
  scene["palette"] = Json::array({"#102030", "#ffffff"});
  Json markers = Json::object();
  markers["scenes"] = Json::array({scene});
  QaPlan marked = PlanQa(m, 640, 360, QaSettings{}, markers);
  EXPECT_EQ(marked.scenes[0].palette[0], testing::Hex("#102030"));
}

TEST(QaPlan, DarkScenesMayBeBlackAndSilentManifestsMayBeSilent) {
  Manifest m = testing::PromisedManifest();
  m.scenes[0].background.color = testing::Hex("#050505");
  for (auto& s : m.scenes) s.narration.reset();
  QaPlan plan = PlanQa(m, 640, 360, QaSettings{});
  EXPECT_TRUE(plan.scenes[0].black_times.empty());
  EXPECT_FALSE(plan.scenes[1].black_times.empty());
  EXPECT_FALSE(plan.expect_sound);
  EXPECT_FALSE(plan.loudness_target.has_value());
  EXPECT_TRUE(plan.technical.narration.empty());
}

}  // namespace
}  // namespace aiprod
