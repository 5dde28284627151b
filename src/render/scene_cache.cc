#include "render/scene_cache.h"

namespace aiprod {

SceneCache::SceneCache(const std::vector<ScenePlan>& plans, const Timeline& timeline,
                       const CanvasMapping& map, const std::vector<FrameRange>& to_draw)
    : plans_(plans), map_(map) {
  for (size_t i = 0; i < plans.size(); ++i) entries_.push_back(std::make_unique<Entry>());
  for (const FrameRange& r : to_draw) {
    for (int64_t n = r.begin; n < r.end; ++n) {
      FrameMix mix = timeline.At(n);
      ++entries_[mix.top]->frames_left;
      if (mix.has_under) ++entries_[mix.under]->frames_left;
    }
  }
}

Result<const PreparedScene*> SceneCache::Acquire(size_t i) {
  Entry& e = *entries_[i];
  std::lock_guard lock(e.mu);
  if (e.error) return Unexpected(*e.error);
  if (!e.built) {
    auto built = PreparedScene::Build(plans_[i], map_);
    if (!built) {
      e.error = built.error();
      return Unexpected(*e.error);
    }
    e.scene = std::move(*built);
    e.built = true;
  }
  return e.scene.get();
}

void SceneCache::FrameDone(size_t i) {
  Entry& e = *entries_[i];
  std::lock_guard lock(e.mu);
  if (--e.frames_left == 0) e.scene.reset();
}

size_t SceneCache::LiveScenes() const {
  size_t live = 0;
  for (const auto& e : entries_) {
    std::lock_guard lock(e->mu);
    if (e->scene) ++live;
  }
  return live;
}

}  // namespace aiprod
