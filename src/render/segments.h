// The timeline cut into segments, the unit of encoding and of the scene
// cache: each scene's frames of its own (split into chunks of at most
// kMaxSegmentSeconds) and each transition's overlap. A segment's pixels
// depend only on its scenes and the scene-local frames it covers, not on
// where it sits in the video, so editing one scene leaves the segments of the
// others valid.
#pragma once

#include <cstdint>
#include <vector>

#include "render/timeline.h"

namespace aiprod {

inline constexpr int kMaxSegmentSeconds = 10;

struct Segment {
  enum class Kind { kScene, kTransition };
  Kind kind = Kind::kScene;
  // kScene: the scene. kTransition: the incoming scene; it enters over scene-1.
  size_t scene = 0;
  int64_t begin = 0, end = 0;  // output frames [begin, end)
  // Scene-local frame of `begin`: of `scene` (kScene) or of the incoming
  // scene (kTransition, always 0); the outgoing scene's is under_begin.
  int64_t local_begin = 0;
  int64_t under_begin = 0;  // kTransition only

  int64_t frames() const { return end - begin; }
};

// In output order; together they cover [0, total_frames) exactly once.
std::vector<Segment> SplitTimeline(const Timeline& timeline);

}  // namespace aiprod
