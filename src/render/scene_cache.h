// Prepared scenes on demand: each scene's pixels are built when a frame first
// needs them and freed after the last frame that shows the scene, so memory
// holds only the few scenes around the frames being drawn.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/error.h"
#include "render/compositor.h"
#include "render/timeline.h"

namespace aiprod {

// A range of output frames to be drawn, [begin, end).
struct FrameRange {
  int64_t begin = 0, end = 0;
};

// Thread-safe. `plans` and `map` must outlive the cache.
class SceneCache {
 public:
  // Counts, for every scene, the frames of `to_draw` that show it.
  SceneCache(const std::vector<ScenePlan>& plans, const Timeline& timeline,
             const CanvasMapping& map, const std::vector<FrameRange>& to_draw);

  // Scene i, built by the first caller (concurrent callers for the same scene
  // wait; other scenes proceed). Valid until the matching FrameDone calls
  // have been made. A build failure is returned to every caller.
  Result<const PreparedScene*> Acquire(size_t i);

  // Called once per frame for each scene the frame references (its top and,
  // during a transition, its under scene: Timeline::At), whether or not it
  // was drawn. The scene is freed after its last frame.
  void FrameDone(size_t i);

  // Scenes currently holding pixels (for tests and metrics).
  size_t LiveScenes() const;

 private:
  struct Entry {
    mutable std::mutex mu;
    std::unique_ptr<const PreparedScene> scene;
    bool built = false;
    std::optional<Error> error;
    int64_t frames_left = 0;
  };
  const std::vector<ScenePlan>& plans_;
  const CanvasMapping& map_;
  std::vector<std::unique_ptr<Entry>> entries_;
};

}  // namespace aiprod
