// Scripts other than Latin come out shaped and legible: what the renderer
// drew is read back by Tesseract (Debian's models, installed by scripts/setup)
// from the decoded video. Unshaped Arabic (isolated letter forms, left to
// right) or CJK drawn as missing-glyph boxes would not read as the text.
#include <gtest/gtest.h>

#include "qa/ocr.h"
#include "qa/probe.h"
#include "qa/text_match.h"
#include "render/renderer.h"
#include "render_fixtures.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

// The text Tesseract's model `model` reads in `video` at `t_s`.
std::string ReadFrame(const std::string& video, double t_s, const std::string& model) {
  auto frame = DecodeFrameAt(video, t_s);
  EXPECT_TRUE(frame.has_value());
  auto reader = OpenOcrReader(model);
  EXPECT_TRUE(reader.has_value()) << reader.error().ToString();
  if (!frame || !reader) return "";
  auto read = (*reader)->Read(ToGrey(*frame), Binarization::kGlobalOtsu);
  EXPECT_TRUE(read.has_value()) << read.error().ToString();
  return read ? read->text : "";
}

RenderSettings Legible() {
  RenderSettings s = testing::SmallSettings();
  s.width = 640;
  s.height = 360;
  return s;
}

// Renders `text` in `font`, black on white, at 640x360, and reads it back.
std::string RenderAndRead(const std::string& text, const std::string& font, const std::string& lang,
                          bool rtl, const std::string& model) {
  Layer l = testing::TextLayerAt(text, 72, 200);
  l.text.font = font;
  l.text.color = testing::Hex("#000000");
  Manifest m = testing::OneSceneManifest({l});
  m.scenes[0].background.color = testing::Hex("#FFFFFF");
  m.lang = lang;
  m.rtl = rtl;
  testing::TempDir dir;
  auto r = RenderVideo(m, Legible(), dir.File("text.mp4"));
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
  return r ? ReadFrame(dir.File("text.mp4"), 0.5, model) : "";
}

// Spaces do not count: Tesseract puts them between CJK characters.
std::string WithoutSpaces(std::string s) {
  std::erase_if(s, [](char c) { return c == ' ' || c == '\n'; });
  return s;
}

TEST(RenderScripts, ChineseIsDrawnWithItsGlyphs) {
  const std::string read = RenderAndRead("你好世界", "Noto Sans CJK SC", "zh", false, "chi_sim");
  EXPECT_NE(WithoutSpaces(read).find("你好世界"), std::string::npos) << read;
}

TEST(RenderScripts, ArabicIsShapedRightToLeft) {
  const std::string text = "مرحبا بالعالم";
  const std::string read = RenderAndRead(text, "Noto Sans Arabic", "ar", true, "ara");
  EXPECT_LE(CharacterErrorRate({text}, read), 0.1) << read;
}

// Scene 0 narrates "Hello world" from 0.2 s; scene 2 (from 1.6 s) is silent.
TEST(RenderScripts, BurnedInCaptionsShowWhileNarrated) {
  Manifest m = testing::ThreeSceneManifest();
  m.captions.burn_in = true;
  testing::TempDir dir;
  auto r = RenderVideo(m, Legible(), dir.File("captions.mp4"));
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  ASSERT_FALSE(r->captions.empty());
  const std::string during = ReadFrame(dir.File("captions.mp4"), 0.5, "eng");
  EXPECT_LE(CharacterErrorRate({"Hello world"}, during), 0.2) << during;
  const std::string after = ReadFrame(dir.File("captions.mp4"), 2.2, "eng");
  EXPECT_GT(CharacterErrorRate({"Hello world"}, after), 0.5) << after;
}

}  // namespace
}  // namespace aiprod
