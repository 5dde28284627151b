// Transitions other than the crossfade, and animations other than a move:
// rendered, decoded, and checked where the pixels must be at given frames.
#include <gtest/gtest.h>

#include "qa/probe.h"
#include "render_fixtures.h"

namespace aiprod {
namespace {

using testing::ExpectNear;
using testing::Hex;

const Color kRed = Hex("#FF0000"), kGreen = Hex("#00C853"), kBlue = Hex("#0D47A1"),
            kBackground = Hex("#202020"), kWhite = Hex("#FFFFFF");

// Renders `m` at the small settings and decodes frame `n` (30 fps).
RgbImage FrameOf(const Manifest& m, int n) {
  return testing::RenderFrameAt(m, testing::SmallSettings(), (n + 0.5) / 30);
}

// Scene 0 red; scene 1 blue with a green left half, entering over 12 frames
// from frame 18 (k = 0..11): its step k = 6, half way, is frame 24.
Manifest TwoScenes(Transition t) {
  Manifest m = testing::OneSceneManifest({});
  m.scenes[0].background.color = kRed;
  Scene s1;
  s1.id = "in";
  s1.duration_s = 1;
  s1.background.color = kBlue;
  Layer half;
  half.kind = Layer::Kind::kRect;
  half.rect.box = {0, 0, 320, 360};
  half.rect.color = kGreen;
  s1.layers = {half};
  t.duration_s = 0.4;
  s1.transition = t;
  m.scenes.push_back(s1);
  return m;
}

TEST(RenderMotion, WipeRevealsTheNewSceneInPlace) {
  using D = Transition::Direction;
  // kLeft: the edge runs from the right to the left, so the right half shows
  // the new scene's right half (blue) half way.
  RgbImage left = FrameOf(TwoScenes({Transition::Kind::kWipe, 0, D::kLeft}), 24);
  ExpectNear(PixelAt(left, 80, 90), kRed);
  ExpectNear(PixelAt(left, 240, 90), kBlue);
  RgbImage right = FrameOf(TwoScenes({Transition::Kind::kWipe, 0, D::kRight}), 24);
  ExpectNear(PixelAt(right, 80, 90), kGreen);
  ExpectNear(PixelAt(right, 240, 90), kRed);
  RgbImage up = FrameOf(TwoScenes({Transition::Kind::kWipe, 0, D::kUp}), 24);
  ExpectNear(PixelAt(up, 80, 45), kRed);
  ExpectNear(PixelAt(up, 80, 135), kGreen);
  ExpectNear(PixelAt(up, 240, 135), kBlue);
}

TEST(RenderMotion, SlideMovesTheNewSceneIn) {
  using D = Transition::Direction;
  Manifest m = TwoScenes({Transition::Kind::kSlide, 0, D::kLeft});
  // Half way the new scene's left half (green) covers the right half.
  RgbImage mid = FrameOf(m, 24);
  ExpectNear(PixelAt(mid, 80, 90), kRed);
  ExpectNear(PixelAt(mid, 240, 90), kGreen);
  RgbImage first = FrameOf(m, 18);  // step 0: the old scene alone
  ExpectNear(PixelAt(first, 240, 90), kRed);
  RgbImage after = FrameOf(m, 31);  // the new scene in place
  ExpectNear(PixelAt(after, 80, 90), kGreen);
  ExpectNear(PixelAt(after, 240, 90), kBlue);
  // kDown: it enters from the top; its lower half covers the upper half.
  RgbImage down = FrameOf(TwoScenes({Transition::Kind::kSlide, 0, D::kDown}), 24);
  ExpectNear(PixelAt(down, 80, 45), kGreen);
  ExpectNear(PixelAt(down, 240, 45), kBlue);
  ExpectNear(PixelAt(down, 80, 135), kRed);
}

// A 100x100 white square at the canvas centre (output 135..185 x 65..115).
Layer Square(Animation a) {
  Layer l;
  l.kind = Layer::Kind::kRect;
  l.rect.box = {270, 130, 100, 100};
  l.rect.color = kWhite;
  l.animations = {a};
  return l;
}

TEST(RenderMotion, FadeBlendsWithWhatIsBehind) {
  using P = Animation::Property;
  Manifest m =
      testing::OneSceneManifest({Square({P::kOpacity, 0, 1, 0, std::nullopt, Easing::kLinear})});
  ExpectNear(PixelAt(FrameOf(m, 0), 160, 90), kBackground);
  // Frame 15 is t = 0.5 of 1 s: half way.
  const Color half{static_cast<uint8_t>((0x20 + 255) / 2), static_cast<uint8_t>((0x20 + 255) / 2),
                   static_cast<uint8_t>((0x20 + 255) / 2), 255};
  ExpectNear(PixelAt(FrameOf(m, 15), 160, 90), half);
  // Eased in, half the time is a quarter of the way or less.
  Manifest eased =
      testing::OneSceneManifest({Square({P::kOpacity, 0, 1, 0, std::nullopt, Easing::kEaseIn})});
  EXPECT_LT(PixelAt(FrameOf(eased, 15), 160, 90).r, 0x20 + (255 - 0x20) / 4 + testing::kTolerance);
}

TEST(RenderMotion, ScaleGrowsAboutTheCentre) {
  using P = Animation::Property;
  Manifest m =
      testing::OneSceneManifest({Square({P::kScale, 1, 2, 0, std::nullopt, Easing::kLinear})});
  RgbImage first = FrameOf(m, 0), mid = FrameOf(m, 15);
  ExpectNear(PixelAt(first, 160, 90), kWhite);
  ExpectNear(PixelAt(first, 190, 90), kBackground);  // 30 px right of the centre: outside 50 px
  ExpectNear(PixelAt(mid, 190, 90), kWhite);         // 75 px wide at 1.5
  ExpectNear(PixelAt(mid, 130, 90), kWhite);
  ExpectNear(PixelAt(mid, 160, 60), kWhite);
  ExpectNear(PixelAt(mid, 205, 90), kBackground);
}

// White pixels of `f` between columns x0 and x1 (all rows).
int WhiteIn(const RgbImage& f, int x0, int x1) {
  int n = 0;
  for (int y = 0; y < f.height; ++y) {
    for (int x = x0; x < x1; ++x) n += PixelAt(f, x, y).g > 160;
  }
  return n;
}

TEST(RenderMotion, TypewriterRevealsCharactersInReadingOrder) {
  using P = Animation::Property;
  Layer text = testing::TextLayerAt("MMMMMMMM", 60, 200);  // about output x 60..260
  text.animations = {{P::kReveal, 0, 1, 0, std::nullopt, Easing::kLinear}};
  Manifest m = testing::OneSceneManifest({text});
  RgbImage first = FrameOf(m, 0), mid = FrameOf(m, 15), last = FrameOf(m, 29);
  EXPECT_EQ(WhiteIn(first, 0, 320), 0);
  EXPECT_GT(WhiteIn(mid, 60, 120), 50);  // four characters shown: the left half
  EXPECT_EQ(WhiteIn(mid, 180, 320), 0);
  EXPECT_GT(WhiteIn(last, 180, 240), 50);
  // Right to left, reading order starts at the right.
  Layer hebrew = testing::TextLayerAt("שלום עולם טוב", 60, 200);
  hebrew.text.font = "Noto Sans Hebrew";
  hebrew.animations = text.animations;
  Manifest rtl = testing::OneSceneManifest({hebrew});
  rtl.rtl = true;
  rtl.lang = "he";
  RgbImage part = FrameOf(rtl, 10);
  const int right = WhiteIn(part, 160, 320), left = WhiteIn(part, 0, 160);
  EXPECT_GT(right, 50);
  EXPECT_EQ(left, 0);
}

}  // namespace
}  // namespace aiprod
