#include "render/timeline.h"

#include <gtest/gtest.h>

#include <cmath>

#include "render_fixtures.h"

namespace aiprod {
namespace {

// ref10: three 110-frame scenes, 15-frame crossfades.
Manifest Ref10Timing() {
  Manifest m;
  m.scenes.resize(3);
  for (size_t i = 0; i < 3; ++i) {
    m.scenes[i].duration_s = 110 / 30.0;
    if (i > 0) m.scenes[i].transition = {Transition::Kind::kCrossfade, 0.5};
  }
  return m;
}

TEST(Timeline, Ref10FrameRanges) {
  auto t = Timeline::Build(Ref10Timing(), 30);
  ASSERT_TRUE(t.has_value()) << t.error().ToString();
  EXPECT_EQ(t->total_frames(), 300);
  EXPECT_DOUBLE_EQ(t->duration_s(), 10.0);
  ASSERT_EQ(t->scenes().size(), 3u);
  EXPECT_EQ(t->scenes()[1].start, 95);
  EXPECT_EQ(t->scenes()[2].start, 190);
  EXPECT_EQ(t->scenes()[2].fade_frames, 15);
}

TEST(Timeline, CrossfadeWeightsAreKOverN) {
  auto t = *Timeline::Build(Ref10Timing(), 30);
  FrameMix before = t.At(94);
  EXPECT_EQ(before.top, 0u);
  EXPECT_FALSE(before.has_under);
  for (int k = 0; k < 15; ++k) {
    FrameMix m = t.At(95 + k);
    EXPECT_EQ(m.top, 1u);
    EXPECT_EQ(m.top_frame, k);
    ASSERT_TRUE(m.has_under);
    EXPECT_EQ(m.under, 0u);
    EXPECT_EQ(m.under_frame, 95 + k);
    EXPECT_DOUBLE_EQ(m.mix, k / 15.0);
  }
  FrameMix after = t.At(110);
  EXPECT_EQ(after.top, 1u);
  EXPECT_FALSE(after.has_under);
  EXPECT_EQ(t.At(299).top, 2u);
  EXPECT_EQ(t.At(299).top_frame, 109);
}

TEST(Timeline, CutsDoNotMix) {
  Manifest m = Ref10Timing();
  m.scenes[1].transition = {Transition::Kind::kCut, 0};
  auto t = *Timeline::Build(m, 30);
  EXPECT_EQ(t.scenes()[1].start, 110);
  EXPECT_FALSE(t.At(110).has_under);
  EXPECT_EQ(t.At(109).top, 0u);
}

TEST(Timeline, RejectsBadTiming) {
  Manifest m = Ref10Timing();
  m.scenes[1].transition.duration_s = 4;
  auto t = Timeline::Build(m, 30);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().field, "scenes[1].transition.duration_s");

  m = Ref10Timing();
  m.scenes[2].duration_s = 0.01;
  t = Timeline::Build(m, 30);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().field, "scenes[2].duration_s");

  // Scene 2 would start while scene 1 is still fading in.
  m = Ref10Timing();
  m.scenes[1].duration_s = 0.6;
  m.scenes[1].transition.duration_s = 0.5;
  m.scenes[2].transition.duration_s = 0.5;
  t = Timeline::Build(m, 30);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().field, "scenes[2].transition.duration_s");

  EXPECT_FALSE(Timeline::Build(Manifest{}, 30).has_value());
}

TEST(Animation, Ref10BoxSnapsLikeTheSpec) {
  // x = 100 + floor(1520 * k / 110) for k = 0..109.
  std::vector<Animation> anims = {
      {Animation::Property::kX, 100, 1620, 0, std::nullopt, Easing::kLinear}};
  const double dur = 110 / 30.0;
  for (int k = 0; k < 110; ++k) {
    double x = AnimatedValue(anims, Animation::Property::kX, 0, k / 30.0, dur);
    ASSERT_EQ(SnapFloor(x), 100 + (1520 * k) / 110) << "k=" << k;
  }
}

TEST(Animation, EasingAndHolding) {
  EXPECT_DOUBLE_EQ(Ease(Easing::kLinear, 0.25), 0.25);
  EXPECT_DOUBLE_EQ(Ease(Easing::kEaseIn, 0.5), 0.25);
  EXPECT_DOUBLE_EQ(Ease(Easing::kEaseOut, 0.5), 0.75);
  EXPECT_DOUBLE_EQ(Ease(Easing::kEaseInOut, 0.25), 0.125);
  EXPECT_DOUBLE_EQ(Ease(Easing::kEaseInOut, 0.75), 0.875);
  EXPECT_DOUBLE_EQ(Ease(Easing::kEaseIn, 2), 1);

  std::vector<Animation> a = {{Animation::Property::kOpacity, 0, 1, 1.0, 2.0, Easing::kLinear},
                              {Animation::Property::kOpacity, 1, 0, 3.0, 4.0, Easing::kLinear}};
  auto at = [&](double t) { return AnimatedValue(a, Animation::Property::kOpacity, 7, t, 5); };
  EXPECT_DOUBLE_EQ(at(0.5), 0);  // before the first: its `from`
  EXPECT_DOUBLE_EQ(at(1.5), 0.5);
  EXPECT_DOUBLE_EQ(at(2.5), 1);  // between: the first holds its `to`
  EXPECT_DOUBLE_EQ(at(3.25), 0.75);
  EXPECT_DOUBLE_EQ(at(4.5), 0);
  EXPECT_DOUBLE_EQ(AnimatedValue(a, Animation::Property::kScale, 7, 1, 5), 7);  // not animated
}

}  // namespace
}  // namespace aiprod
