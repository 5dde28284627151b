#include "render/segments.h"

#include <algorithm>

namespace aiprod {

std::vector<Segment> SplitTimeline(const Timeline& timeline) {
  std::vector<Segment> out;
  const auto& spans = timeline.scenes();
  const int64_t chunk = static_cast<int64_t>(kMaxSegmentSeconds) * timeline.fps();
  for (size_t i = 0; i < spans.size(); ++i) {
    const SceneSpan& s = spans[i];
    if (s.fade_frames > 0) {
      Segment t;
      t.kind = Segment::Kind::kTransition;
      t.scene = i;
      t.begin = s.start;
      t.end = s.start + s.fade_frames;
      t.local_begin = 0;
      t.under_begin = s.start - spans[i - 1].start;
      out.push_back(t);
    }
    // The scene alone: after its transition in, until the next scene starts.
    const int64_t own_begin = s.start + s.fade_frames;
    const int64_t own_end = i + 1 < spans.size() ? spans[i + 1].start : s.start + s.frames;
    for (int64_t b = own_begin; b < own_end; b += chunk) {
      Segment seg;
      seg.kind = Segment::Kind::kScene;
      seg.scene = i;
      seg.begin = b;
      seg.end = std::min(own_end, b + chunk);
      seg.local_begin = b - s.start;
      out.push_back(seg);
    }
  }
  return out;
}

}  // namespace aiprod
