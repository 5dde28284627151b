#include "render/timeline.h"

#include <algorithm>
#include <cmath>

#include "core/json.h"

namespace aiprod {

Result<Timeline> Timeline::Build(const Manifest& m, int fps) {
  if (m.scenes.empty()) return Invalid("scenes", "a video needs at least one scene");
  if (fps <= 0) return Invalid("canvas.fps", "must be positive");
  Timeline t;
  t.fps_ = fps;
  int64_t prev_end = 0;
  for (size_t i = 0; i < m.scenes.size(); ++i) {
    const Scene& s = m.scenes[i];
    SceneSpan span;
    if (!std::isfinite(s.duration_s) || s.duration_s * fps > 1e9) {
      return Invalid(ItemPath("scenes", i) + ".duration_s", "is not a usable duration");
    }
    span.frames = std::llround(s.duration_s * fps);
    if (span.frames < 1) {
      return Invalid(ItemPath("scenes", i) + ".duration_s",
                     "is shorter than one frame at " + std::to_string(fps) + " fps");
    }
    int64_t overlap = 0;
    if (i > 0) {
      double d = s.transition.duration_s;
      std::string field = ItemPath("scenes", i) + ".transition.duration_s";
      if (!std::isfinite(d) || d < 0) return Invalid(field, "must be zero or positive");
      overlap = std::llround(d * fps);
      const SceneSpan& prev = t.spans_.back();
      if (overlap > span.frames || overlap >= prev.frames) {
        return Invalid(field, "is longer than the scenes it joins");
      }
      span.overlap = overlap;
      if (s.transition.kind != Transition::Kind::kCut) span.fade_frames = overlap;
      span.transition = s.transition;
      if (overlap > 0 && prev_end - overlap < prev.start + prev.fade_frames) {
        return Invalid(field, "overlaps the transition into the previous scene");
      }
    }
    span.start = prev_end - overlap;
    prev_end = span.start + span.frames;
    t.spans_.push_back(span);
  }
  t.total_frames_ = prev_end;
  return t;
}

FrameMix Timeline::At(int64_t n) const {
  // The last scene that has started by frame n is on top.
  auto it = std::upper_bound(spans_.begin(), spans_.end(), n,
                             [](int64_t v, const SceneSpan& s) { return v < s.start; });
  size_t top = static_cast<size_t>(std::max<std::ptrdiff_t>(it - spans_.begin() - 1, 0));
  FrameMix mix;
  mix.top = top;
  mix.top_frame = n - spans_[top].start;
  const SceneSpan& span = spans_[top];
  if (top > 0 && mix.top_frame < span.fade_frames) {
    mix.has_under = true;
    mix.under = top - 1;
    mix.under_frame = n - spans_[top - 1].start;
    mix.mix = static_cast<double>(mix.top_frame) / static_cast<double>(span.fade_frames);
    mix.fade_frames = span.fade_frames;
    mix.transition = span.transition;
  }
  return mix;
}

double SnapFloor(double v) { return std::floor(v + 1e-6); }

}  // namespace aiprod
