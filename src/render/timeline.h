// Frame-exact timing: where each scene sits on the output timeline, what a
// given frame shows, and animation values at a scene-local time.
#pragma once

#include <cstdint>
#include <vector>

#include "core/error.h"
#include "model/animation.h"
#include "model/manifest.h"

namespace aiprod {

// Scene i spans frames [start, start + frames) of the output. Its first
// `overlap` frames are shared with scene i-1; during the first `fade_frames`
// of them (all of them, or 0 for a cut) it enters over scene i-1 by its
// transition.
struct SceneSpan {
  int64_t start = 0;
  int64_t frames = 0;
  int64_t overlap = 0;
  int64_t fade_frames = 0;
  Transition transition;  // into this scene (kind cut when fade_frames is 0)
};

// What frame n shows: `top` at its local frame `top_frame`; during a
// transition (`has_under`), `top` enters over `under` (scene top-1, at
// `under_frame`) at step k = top_frame of n = fade_frames: a crossfade shows
// under*(1-mix) + top*mix with mix = k/n; wipes and slides move an edge by k/n.
struct FrameMix {
  size_t top = 0;
  int64_t top_frame = 0;
  bool has_under = false;
  size_t under = 0;
  int64_t under_frame = 0;
  double mix = 1;
  int64_t fade_frames = 0;  // n, when has_under
  Transition transition;    // when has_under
};

// Immutable after Build; safe to share across threads.
class Timeline {
 public:
  // Durations are rounded to whole frames at `fps`: scene i starts
  // `round(transition.duration_s * fps)` frames before scene i-1 ends.
  // Errors name the field (`scenes[2].transition.duration_s`): empty scene
  // list, scenes shorter than a frame, a transition longer than the scene it
  // enters or overlapping the previous transition.
  static Result<Timeline> Build(const Manifest& m, int fps);

  int fps() const { return fps_; }
  int64_t total_frames() const { return total_frames_; }
  double duration_s() const { return static_cast<double>(total_frames_) / fps_; }
  const std::vector<SceneSpan>& scenes() const { return spans_; }
  double SceneStartS(size_t i) const { return static_cast<double>(spans_[i].start) / fps_; }

  // Precondition: 0 <= n < total_frames().
  FrameMix At(int64_t n) const;

 private:
  int fps_ = 30;
  int64_t total_frames_ = 0;
  std::vector<SceneSpan> spans_;
};

// floor() that forgives floating-point error just below an integer, so that
// positions computed as a*k/n snap like the exact fraction would.
double SnapFloor(double v);

}  // namespace aiprod
