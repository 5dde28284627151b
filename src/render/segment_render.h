// Encoding the segments a render is missing, several at once when the
// thread plan allows: each job draws and encodes one segment at a time into
// a temporary file and commits it to the segment store under its key.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "render/encoder.h"
#include "render/geometry.h"
#include "render/overlays.h"
#include "render/scene_cache.h"
#include "render/segment_store.h"
#include "render/segments.h"
#include "render/timeline.h"

namespace aiprod {

struct SegmentTask {
  Segment segment;
  std::string key;
};

struct SegmentRenderContext {
  const Timeline* timeline = nullptr;
  SceneCache* scenes = nullptr;  // counts exactly the frames of the tasks
  const CanvasMapping* map = nullptr;
  const FrameOverlays* overlays = nullptr;
  const SegmentStore* store = nullptr;
  EncoderOptions encoder;
  int jobs = 1;          // segments encoded at once
  int draw_threads = 1;  // per job
  const std::atomic<bool>* cancel = nullptr;
  // Set when work beside the frames failed: the jobs stop (kCancelled).
  const std::atomic<bool>* abort = nullptr;
  // Frames encoded so far over all tasks; called on the calling thread.
  std::function<void(int64_t frames_done)> progress;
};

// Encodes every task (in order of the list, `jobs` at a time) and commits
// each to the store. On failure or cancellation the other jobs stop at their
// next frame, and no partial entry is left; segments already committed stay
// (they are complete and correct).
Status RenderSegments(const std::vector<SegmentTask>& tasks, const SegmentRenderContext& ctx);

}  // namespace aiprod
