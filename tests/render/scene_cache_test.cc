#include "render/scene_cache.h"

#include <gtest/gtest.h>

#include "render_fixtures.h"

namespace aiprod {
namespace {

struct Prepared {
  Manifest m = testing::ThreeSceneManifest();
  Timeline timeline = *Timeline::Build(m, 30);
  CanvasMapping map = CanvasMapping::Fit(640, 360, 320, 180);
  std::vector<ScenePlan> plans;
  AssetResolver assets{"", {}};
  Prepared() {
    for (size_t i = 0; i < m.scenes.size(); ++i) {
      plans.push_back(*PlanScene(m, i, timeline.scenes()[i].frames, 30, map, assets));
    }
  }
};

TEST(SceneCache, HoldsOnlyTheScenesInUse) {
  Prepared p;
  SceneCache cache(p.plans, p.timeline, p.map, {{0, p.timeline.total_frames()}});
  size_t most = 0;
  for (int64_t n = 0; n < p.timeline.total_frames(); ++n) {
    FrameMix mix = p.timeline.At(n);
    ASSERT_TRUE(cache.Acquire(mix.top).has_value());
    if (mix.has_under) {
      ASSERT_TRUE(cache.Acquire(mix.under).has_value());
    }
    most = std::max(most, cache.LiveScenes());
    cache.FrameDone(mix.top);
    if (mix.has_under) cache.FrameDone(mix.under);
  }
  EXPECT_EQ(most, 2u);  // during the crossfade
  EXPECT_EQ(cache.LiveScenes(), 0u);
}

TEST(Compositor, AnimatedRegionCoversTheBoxPath) {
  Prepared p;
  auto s0 = PreparedScene::Build(p.plans[0], p.map);
  auto s1 = PreparedScene::Build(p.plans[1], p.map);
  ASSERT_TRUE(s0 && s1);
  EXPECT_TRUE((*s0)->animated_region().Empty());  // everything baked
  // The box moves x 0 -> 560 (canvas) over 30 frames: output x 0..271+40, y 120..160.
  PixelRect r = (*s1)->animated_region();
  EXPECT_EQ(r.x0, 0);
  EXPECT_EQ(r.y0, 120);
  EXPECT_EQ(r.y1, 160);
  EXPECT_GE(r.x1, 280 * 29 / 30 + 40);
  EXPECT_LE(r.x1, 320);
}

}  // namespace
}  // namespace aiprod
