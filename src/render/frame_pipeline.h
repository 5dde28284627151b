// The frame loop: drawing threads produce frames in order into a bounded ring
// of a few YUV frames while the calling thread encodes them (x264 has its own
// threads) and interleaves the audio.
#pragma once

#include <atomic>
#include <functional>
#include <span>

#include "core/error.h"
#include "render/encoder.h"
#include "render/geometry.h"
#include "render/scene_cache.h"
#include "render/timeline.h"

namespace aiprod {

struct FrameJob {
  const Timeline* timeline = nullptr;
  SceneCache* scenes = nullptr;
  const CanvasMapping* map = nullptr;
  Mp4Writer* writer = nullptr;
  std::span<const float> audio;  // mono, 48 kHz, the video's length
  int draw_threads = 1;
  std::function<void(double)> progress;       // may be empty; called on this thread
  const std::atomic<bool>* cancel = nullptr;  // may be null; checked between frames
};

// Draws, converts and encodes every frame, then the remaining audio. Does not
// call Mp4Writer::Finish. Returns kCancelled when `cancel` becomes true.
Status RunFramePipeline(const FrameJob& job);

}  // namespace aiprod
