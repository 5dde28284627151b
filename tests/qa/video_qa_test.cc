// QA of real renders: the promised video passes every check, and each way of
// breaking it fails the check that names the problem (and not the others
// that are unaffected).
#include "qa/video_qa.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include "qa_fixtures.h"
#include "render/renderer.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

using testing::PromisedManifest;
using testing::QaRequestFor;

const QaCheck* Find(const QaReport& r, const std::string& name) {
  for (const auto& c : r.checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string Failures(const QaReport& r) {
  std::string out;
  for (const auto& c : r.checks) {
    if (!c.passed) out += c.name + " (" + c.detail + ") ";
  }
  return out;
}

class VideoQa : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<testing::TempDir>();
    promised_ = std::make_unique<Manifest>(PromisedManifest());
    reference_ = Render("reference", *promised_);
  }
  static void TearDownTestSuite() {
    promised_.reset();
    dir_.reset();
  }

  static std::string Render(const std::string& name, const Manifest& m,
                            const std::function<void(RenderSettings&)>& tweak = {}) {
    std::string path = dir_->File(name + ".mp4");
    RenderSettings s = testing::TestRenderSettings();
    if (tweak) tweak(s);
    auto r = RenderVideo(m, s, path);
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    return path;
  }

  // QA of `video` against the promised manifest (and its captions, if any).
  static QaReport Check(const std::string& video) {
    auto req = QaRequestFor(video, *promised_);
    std::string vtt = std::filesystem::path(video).replace_extension(".vtt").string();
    if (std::filesystem::exists(vtt)) req.captions_path = vtt;
    auto r = RunVideoQa(req);
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    return r ? *r : QaReport{};
  }

  static void ExpectFailed(const QaReport& r, const std::string& name) {
    const QaCheck* c = Find(r, name);
    ASSERT_NE(c, nullptr) << "no check " << name;
    EXPECT_FALSE(c->passed) << name << " passed: " << c->value.dump();
    EXPECT_FALSE(c->detail.empty()) << name;
  }
  static void ExpectPassed(const QaReport& r, const std::string& name) {
    const QaCheck* c = Find(r, name);
    ASSERT_NE(c, nullptr) << "no check " << name;
    EXPECT_TRUE(c->passed) << name << ": " << c->detail;
  }

  static inline std::unique_ptr<testing::TempDir> dir_;
  static inline std::unique_ptr<Manifest> promised_;
  static inline std::string reference_;
};

TEST_F(VideoQa, TheVideoAsPromisedPasses) {
  QaReport r = Check(reference_);
  EXPECT_TRUE(r.Passed()) << Failures(r);
  EXPECT_DOUBLE_EQ(r.Score(), 1.0);
  for (const char* name :
       {"duration", "file_integrity", "loudness_integrated", "true_peak", "loudness_range",
        "clipping", "black_frames", "frozen_frames", "brand_palette", "ocr_text[0]", "ocr_text[1]",
        "narration_present[0]", "narration_present[1]", "captions_sync"}) {
    EXPECT_NE(Find(r, name), nullptr) << name;
  }
  // Both scenes were looked at, the moving box and the scene change were seen to move.
  EXPECT_EQ(Find(r, "black_frames")->value["sampled"], 6);
  EXPECT_EQ(Find(r, "frozen_frames")->value["checked"], 2);
  Json j = r.ToJson();
  EXPECT_EQ(j["passed"], true);
  EXPECT_EQ(j["summary"], std::to_string(r.checks.size()) + "/" + std::to_string(r.checks.size()) +
                              " checks passed");
  for (const auto& c : j["checks"]) {
    for (const char* key : {"name", "value", "threshold", "passed"}) {
      EXPECT_TRUE(c.contains(key)) << c.dump();
    }
  }
}

// White text over gradients that end in light colours (as the render
// benchmark draws them): one global threshold loses the letters where the
// background gets light, so QA must read such scenes another way, not fail them.
TEST_F(VideoQa, WhiteTextOverLightGradientsReads) {
  Manifest m = *promised_;
  const std::pair<const char*, const char*> gradients[] = {{"#0D47A1", "#42A5F5"},
                                                           {"#BF360C", "#FF8A65"}};
  for (size_t i = 0; i < m.scenes.size(); ++i) {
    Background& bg = m.scenes[i].background;
    bg.kind = Background::Kind::kLinear;
    bg.from = testing::Hex(gradients[i].first);
    bg.to = testing::Hex(gradients[i].second);
    bg.direction = i == 0 ? Background::Direction::kToRight : Background::Direction::kToBottom;
    Layer sub = m.scenes[i].layers[0];
    sub.text.text = "Single-origin beans, roasted in small batches";
    sub.text.font = "DejaVu Sans";
    sub.text.size_px = 24;
    sub.text.baseline_y = 215;
    m.scenes[i].layers.push_back(sub);
  }
  std::string video = Render("gradients", m);
  auto r = RunVideoQa(QaRequestFor(video, m));
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  ExpectPassed(*r, "ocr_text[0]");
  ExpectPassed(*r, "ocr_text[1]");
}

TEST_F(VideoQa, ABlackSceneFails) {
  Manifest broken = *promised_;
  broken.scenes[1].background.color = testing::Hex("#000000");
  broken.scenes[1].layers.clear();
  QaReport r = Check(Render("black", broken));
  ExpectFailed(r, "black_frames");
  EXPECT_NE(Find(r, "black_frames")->detail.find("scene 1"), std::string::npos);
  ExpectPassed(r, "duration");
  ExpectPassed(r, "loudness_integrated");
  ExpectPassed(r, "ocr_text[0]");
}

TEST_F(VideoQa, WrongOnScreenTextFails) {
  Manifest broken = *promised_;
  broken.scenes[0].layers[0].text.text = "Stale tea leaves";
  QaReport r = Check(Render("wrong_text", broken));
  ExpectFailed(r, "ocr_text[0]");
  EXPECT_GT(Find(r, "ocr_text[0]")->value["cer"].get<double>(), 0.5);
  ExpectPassed(r, "ocr_text[1]");
  ExpectPassed(r, "black_frames");
  ExpectPassed(r, "narration_present[0]");
}

TEST_F(VideoQa, SilentNarrationFails) {
  Manifest broken = *promised_;
  broken.scenes[0].narration.reset();
  QaReport r = Check(Render("silent", broken));
  ExpectFailed(r, "narration_present[0]");
  ExpectPassed(r, "narration_present[1]");
  ExpectPassed(r, "ocr_text[0]");
  ExpectPassed(r, "duration");
}

TEST_F(VideoQa, FarTooLoudFails) {
  Manifest broken = *promised_;
  broken.audio.normalize = false;
  broken.audio.tone = Tone{1000, 1.0};  // a full-scale sine under everything
  QaReport r = Check(Render("loud", broken));
  ExpectFailed(r, "loudness_integrated");
  EXPECT_GT(Find(r, "loudness_integrated")->value.get<double>(), -8);
  ExpectFailed(r, "true_peak");
  ExpectFailed(r, "clipping");
  ExpectPassed(r, "ocr_text[0]");
  ExpectPassed(r, "black_frames");
}

TEST_F(VideoQa, WrongLengthFails) {
  Manifest broken = *promised_;
  broken.scenes[1].duration_s = 3.5;
  QaReport r = Check(Render("long", broken));
  ExpectFailed(r, "duration");
  ExpectPassed(r, "ocr_text[0]");
  ExpectPassed(r, "black_frames");
}

TEST_F(VideoQa, FrozenVideoFails) {
  Manifest broken = *promised_;
  broken.scenes[1].layers[1].animations.clear();  // the box stays put
  QaReport r = Check(Render("frozen", broken));
  ExpectFailed(r, "frozen_frames");
  EXPECT_NE(Find(r, "frozen_frames")->detail.find("scene 1 animates layer 1"), std::string::npos);
  ExpectPassed(r, "black_frames");
  ExpectPassed(r, "ocr_text[1]");
  ExpectPassed(r, "duration");
}

TEST_F(VideoQa, OffBrandColoursFail) {
  Manifest broken = *promised_;
  broken.scenes[0].background.color = testing::Hex("#C62828");  // red instead of blue
  QaReport r = Check(Render("off_brand", broken));
  ExpectFailed(r, "brand_palette");
  EXPECT_NE(Find(r, "brand_palette")->detail.find("#1565c0"), std::string::npos);
  ExpectPassed(r, "ocr_text[0]");
}

TEST_F(VideoQa, ATruncatedFileIsATransientFailure) {
  std::string cut = dir_->File("truncated.mp4");
  std::filesystem::copy_file(reference_, cut);
  std::filesystem::resize_file(cut, std::filesystem::file_size(cut) * 6 / 10);
  auto req = QaRequestFor(cut, *promised_);
  auto r = RunVideoQa(req);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  ExpectFailed(*r, "file_integrity");
  EXPECT_TRUE(Find(*r, "file_integrity")->transient);
  EXPECT_TRUE(r->FailedTransiently());
  // A wrong render is not transient.
  Manifest broken = *promised_;
  broken.scenes[1].duration_s = 3.5;
  QaReport wrong = Check(Render("long", broken));
  EXPECT_FALSE(wrong.Passed());
  EXPECT_FALSE(wrong.FailedTransiently());
}

TEST_F(VideoQa, CaptionsOutOfStepFail) {
  // The renderer's own captions follow the narration.
  std::string vtt = std::filesystem::path(reference_).replace_extension(".vtt").string();
  ASSERT_TRUE(std::filesystem::exists(vtt));
  auto req = QaRequestFor(reference_, *promised_);
  req.captions_path = vtt;
  auto good = RunVideoQa(req);
  ASSERT_TRUE(good.has_value());
  ExpectPassed(*good, "captions_sync");
  // Captions a second late, and one saying something else.
  std::string late = dir_->File("late.vtt");
  {
    std::ofstream out(late);
    out << "WEBVTT\n\n00:00:01.100 --> 00:00:01.700\nFresh roast coffee.\n\n"
           "00:00:03.700 --> 00:00:04.000\nSomething else entirely.\n";
  }
  req.captions_path = late;
  auto bad = RunVideoQa(req);
  ASSERT_TRUE(bad.has_value());
  ExpectFailed(*bad, "captions_sync");
  EXPECT_NE(Find(*bad, "captions_sync")->detail.find("scene 0"), std::string::npos);
}

TEST(VideoQaErrors, MissingAndGarbageFiles) {
  testing::TempDir dir;
  Manifest m = PromisedManifest();
  auto missing = RunVideoQa(QaRequestFor(dir.File("nope.mp4"), m));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  std::ofstream(dir.File("junk.mp4")) << "not a video";
  auto junk = RunVideoQa(QaRequestFor(dir.File("junk.mp4"), m));
  ASSERT_FALSE(junk.has_value());
  EXPECT_EQ(junk.error().code, ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace aiprod
