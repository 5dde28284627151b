// The frames of one segment: drawing threads produce frames in order into a
// bounded ring of a few YUV frames while the calling thread encodes them
// (x264 has its own threads).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/error.h"
#include "render/encoder.h"
#include "render/geometry.h"
#include "render/overlays.h"
#include "render/scene_cache.h"
#include "render/timeline.h"

namespace aiprod {

// Buffers a segment job keeps from one segment to the next: the ring's
// frames and each drawing thread's scratch (fresh allocations for every
// segment would cost page faults).
struct FrameBuffers {
  std::vector<av::FramePtr> frames;
  std::vector<DrawScratch> scratch;
};

struct SegmentFrames {
  const Timeline* timeline = nullptr;
  SceneCache* scenes = nullptr;
  const CanvasMapping* map = nullptr;
  const FrameOverlays* overlays = nullptr;  // may be null
  int64_t begin = 0, end = 0;               // output frames [begin, end)
  SegmentWriter* writer = nullptr;
  FrameBuffers* buffers = nullptr;  // reused across the job's segments
  int draw_threads = 1;
  // Called on this thread after each frame is encoded; may be empty.
  std::function<void()> frame_encoded;
  // Checked between frames; returns the error to stop with (kCancelled).
  std::function<Status()> check_stop;
};

// Draws, converts and encodes frames [begin, end). Does not call
// SegmentWriter::Finish.
Status EncodeSegmentFrames(const SegmentFrames& job);

// Draws output frame n into `out` (output-sized): its scene(s) from `scenes`
// (acquired, then released with FrameDone), the transition, the overlays.
Status DrawOutputFrame(const Timeline& timeline, SceneCache& scenes, const CanvasMapping& map,
                       const FrameOverlays* overlays, int64_t n, DrawScratch& scratch,
                       const Yuv420Planes& out);

}  // namespace aiprod
