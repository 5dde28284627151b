// The scene cache: segments keyed by content, reused across renders; editing
// one scene re-encodes only its segments and the transitions touching it;
// cached and uncached renders are byte-identical.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/files.h"
#include "qa/probe.h"
#include "render/renderer.h"
#include "render/segment_store.h"
#include "render/segments.h"
#include "render_fixtures.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Regular files under `dir` whose name ends with `ext` (all when empty).
size_t CountFiles(const std::string& dir, const std::string& ext = "") {
  size_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    n += it->is_regular_file() && it->path().string().ends_with(ext) ? 1 : 0;
  }
  return n;
}

// ThreeSceneManifest: scene 0 [0, 30), crossfade [18, 30), scene 1 [30, 48),
// a cut, scene 2 [48, 78): segments s0 [0,18), x1 [18,30), s1 [30,48), s2 [48,78).
TEST(SplitTimeline, ScenesAndTransitionsCoverTheVideoOnce) {
  Manifest m = testing::ThreeSceneManifest();
  auto tl = Timeline::Build(m, 30);
  ASSERT_TRUE(tl);
  std::vector<Segment> segs = SplitTimeline(*tl);
  ASSERT_EQ(segs.size(), 4u);
  EXPECT_EQ(segs[0].kind, Segment::Kind::kScene);
  EXPECT_EQ(segs[0].end, 18);
  EXPECT_EQ(segs[1].kind, Segment::Kind::kTransition);
  EXPECT_EQ(segs[1].scene, 1u);
  EXPECT_EQ(segs[1].begin, 18);
  EXPECT_EQ(segs[1].end, 30);
  EXPECT_EQ(segs[1].under_begin, 18);
  EXPECT_EQ(segs[2].local_begin, 12);
  EXPECT_EQ(segs[3].begin, 48);
  EXPECT_EQ(segs[3].end, 78);
  // Long scenes are cut into chunks of at most kMaxSegmentSeconds.
  m.scenes[2].duration_s = 25;
  segs = SplitTimeline(*Timeline::Build(m, 30));
  ASSERT_EQ(segs.size(), 6u);
  EXPECT_EQ(segs[3].frames(), 300);
  EXPECT_EQ(segs[5].frames(), 150);
  EXPECT_EQ(segs[5].local_begin, 600);
}

// A render killed mid-segment leaves its work directory; the next store
// opened on the cache removes it, but never a live store's.
TEST(SegmentStore, OpeningRemovesTheWorkOfDeadRendersOnly) {
  testing::TempDir dir;
  const std::string cache = dir.File("cache");
  ASSERT_TRUE(MakeDirs(cache + "/.work/0123456789abcdef"));
  std::ofstream(cache + "/.work/0123456789abcdef.lock") << "";  // nobody holds it
  std::ofstream(cache + "/.work/0123456789abcdef/.k.mp4.tmp-aa") << "partial";
  auto live = SegmentStore::Open(cache, "");
  ASSERT_TRUE(live);
  auto temp = (*live)->TempPathFor("ab12");
  ASSERT_TRUE(temp);
  std::ofstream(*temp) << "being written";
  EXPECT_FALSE(fs::exists(cache + "/.work/0123456789abcdef"));
  EXPECT_FALSE(fs::exists(cache + "/.work/0123456789abcdef.lock"));

  auto other = SegmentStore::Open(cache, "");
  ASSERT_TRUE(other);
  EXPECT_TRUE(fs::exists(*temp)) << "a live store's work was removed";
  ASSERT_TRUE((*live)->Commit(*temp, "ab12"));
  EXPECT_TRUE(fs::exists((*live)->PathFor("ab12")));
  live->reset();
  other->reset();
  EXPECT_EQ(CountFiles(cache + "/.work"), 0u);
  EXPECT_EQ(CountFiles(cache), 1u);
}

class RenderCache : public ::testing::Test {
 protected:
  RenderSettings Settings() {
    RenderSettings s = testing::SmallSettings();
    s.cache_dir = dir_.File("cache");
    return s;
  }
  Result<RenderedVideo> Render(const Manifest& m, const std::string& name,
                               const RenderSettings& s) {
    return RenderVideo(m, s, dir_.File(name));
  }
  testing::TempDir dir_;
};

TEST_F(RenderCache, SecondRenderHitsEverySegmentAndIsIdentical) {
  const Manifest m = testing::ThreeSceneManifest();
  auto cold = Render(m, "cold.mp4", Settings());
  ASSERT_TRUE(cold) << cold.error().ToString();
  EXPECT_EQ(cold->segments, 4);
  EXPECT_EQ(cold->cache_hits, 0);
  EXPECT_EQ(cold->cache_misses, 4);
  EXPECT_EQ(cold->frames_encoded, 78);
  EXPECT_FALSE(cold->soundtrack_cached);
  EXPECT_FALSE(cold->poster_cached);
  // Four segments, the soundtrack and the poster; no temporary or lock left.
  EXPECT_EQ(CountFiles(dir_.File("cache"), ".mp4"), 4u);
  EXPECT_EQ(CountFiles(dir_.File("cache"), ".m4a"), 1u);
  EXPECT_EQ(CountFiles(dir_.File("cache"), ".png"), 1u);
  EXPECT_EQ(CountFiles(dir_.File("cache")), 6u);

  auto warm = Render(m, "warm.mp4", Settings());
  ASSERT_TRUE(warm) << warm.error().ToString();
  EXPECT_EQ(warm->cache_hits, 4);
  EXPECT_EQ(warm->cache_misses, 0);
  EXPECT_EQ(warm->frames_encoded, 0);
  EXPECT_TRUE(warm->soundtrack_cached);
  EXPECT_TRUE(warm->poster_cached);

  // No cache at all: the same bytes again (determinism across the paths).
  RenderSettings none = Settings();
  none.cache_dir.clear();
  auto fresh = Render(m, "fresh.mp4", none);
  ASSERT_TRUE(fresh) << fresh.error().ToString();
  const std::string a = ReadAll(dir_.File("cold.mp4"));
  EXPECT_GT(a.size(), 1000u);
  EXPECT_TRUE(a == ReadAll(dir_.File("warm.mp4")));
  EXPECT_TRUE(a == ReadAll(dir_.File("fresh.mp4")));
  const std::string poster = ReadAll(dir_.File("cold.poster.png"));
  EXPECT_GT(poster.size(), 100u);
  EXPECT_TRUE(poster == ReadAll(dir_.File("warm.poster.png")));
  EXPECT_TRUE(poster == ReadAll(dir_.File("fresh.poster.png")));
}

TEST_F(RenderCache, EditingOneSceneReencodesItAndItsTransitionsOnly) {
  Manifest m = testing::ThreeSceneManifest();
  m.poster.at_s = 0.2;  // frame 6: in scene 0's own segment
  ASSERT_TRUE(Render(m, "a.mp4", Settings()));
  // Scene 1 enters by a crossfade and leaves by a cut: its own segment and
  // the crossfade change; scene 0's and scene 2's segments are reused.
  m.scenes[1].layers.push_back(testing::TextLayerAt("New", 40, 100));
  auto r = Render(m, "b.mp4", Settings());
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->cache_misses, 2);
  EXPECT_EQ(r->cache_hits, 2);
  EXPECT_EQ(r->frames_encoded, 12 + 18);
  EXPECT_TRUE(r->soundtrack_cached);  // the sound did not change
  EXPECT_TRUE(r->poster_cached);      // nor scene 0's segment, where the poster is

  // Narration is sound only: no segment changes, a new soundtrack.
  m.scenes[0].narration->text = "Something else entirely";
  r = Render(m, "c.mp4", Settings());
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->cache_misses, 0);
  EXPECT_FALSE(r->soundtrack_cached);

  // The edited render equals an uncached render of the edited manifest.
  RenderSettings none = Settings();
  none.cache_dir.clear();
  ASSERT_TRUE(Render(m, "c-fresh.mp4", none));
  EXPECT_TRUE(ReadAll(dir_.File("c.mp4")) == ReadAll(dir_.File("c-fresh.mp4")));

  // Scenes keep their segments when they move in time: dropping scene 0
  // shifts scenes 1 and 2 but scene 2 (after a cut) is unchanged.
  m.scenes.erase(m.scenes.begin());
  m.scenes[0].transition = {};
  r = Render(m, "d.mp4", Settings());
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->segments, 2);
  EXPECT_EQ(r->cache_hits, 1);
}

TEST_F(RenderCache, SettingsThatChangePixelsMissTheCache) {
  const Manifest m = testing::ThreeSceneManifest();
  ASSERT_TRUE(Render(m, "a.mp4", Settings()));
  RenderSettings s = Settings();
  s.crf = 30;
  auto r = Render(m, "b.mp4", s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cache_hits, 0);
  s = Settings();
  s.loudness_lufs = -20;  // sound only
  r = Render(m, "c.mp4", s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cache_misses, 0);
  EXPECT_FALSE(r->soundtrack_cached);
}

TEST_F(RenderCache, ParallelSegmentJobsGiveTheSameBytesAsOneJobWithTheSameEncoderThreads) {
  const Manifest m = testing::ThreeSceneManifest();
  RenderSettings one = testing::SmallSettings();
  one.threads = 1;
  one.segment_jobs = 1;
  RenderSettings two = testing::SmallSettings();
  two.threads = 2;
  two.segment_jobs = 2;  // two segments at once, each with 1 x264 thread
  auto a = Render(m, "one.mp4", one);
  auto b = Render(m, "two.mp4", two);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(b->segment_jobs, 2);
  EXPECT_EQ(b->encoder_threads, 1);
  EXPECT_TRUE(ReadAll(dir_.File("one.mp4")) == ReadAll(dir_.File("two.mp4")));
}

TEST_F(RenderCache, DamagedEntryIsEncodedAgain) {
  const Manifest m = testing::ThreeSceneManifest();
  ASSERT_TRUE(Render(m, "a.mp4", Settings()));
  // Truncate every cache entry.
  for (auto& e : fs::recursive_directory_iterator(dir_.File("cache"))) {
    if (e.is_regular_file()) fs::resize_file(e.path(), 100);
  }
  auto r = Render(m, "b.mp4", Settings());
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->cache_misses, 4);
  EXPECT_FALSE(r->soundtrack_cached);
  EXPECT_TRUE(ReadAll(dir_.File("a.mp4")) == ReadAll(dir_.File("b.mp4")));
}

TEST_F(RenderCache, CancelledRenderLeavesOnlyCompleteEntries) {
  Manifest m = testing::ThreeSceneManifest();
  std::atomic<bool> cancel{false};
  RenderSettings s = Settings();
  s.segment_jobs = 1;
  auto r = RenderVideo(
      m, s, dir_.File("x.mp4"), [&](double f) { cancel = cancel || f > 0.3; }, &cancel);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  EXPECT_FALSE(fs::exists(dir_.File("x.mp4")));
  // Whatever is in the cache is a complete segment that the next render
  // uses; the cancelled render's work directory is gone.
  const size_t kept = CountFiles(dir_.File("cache"), ".mp4");
  EXPECT_EQ(CountFiles(dir_.File("cache/.work")), 0u);
  EXPECT_LT(kept, 4u);
  auto again = Render(m, "y.mp4", s);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->cache_hits, static_cast<int64_t>(kept));
}

}  // namespace
}  // namespace aiprod
