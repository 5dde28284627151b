// Captions from the narration: cues for a WebVTT file, and the same cues
// drawn into the picture (burned in) in the manifest's caption style.
//
// Each scene's narration becomes one or more cues: split at sentence ends,
// then between words (or characters, for scripts without spaces) so that a
// cue holds at most kMaxCueChars characters, about two lines; the narration's
// spoken time is shared among its cues in proportion to their length.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "model/manifest.h"
#include "render/geometry.h"
#include "render/overlays.h"

namespace aiprod {

inline constexpr size_t kMaxCueChars = 84;

// Where a scene's narration is heard on the output timeline.
struct NarrationCue {
  size_t scene = 0;
  double start_s = 0, end_s = 0;
  std::string text;
};

struct CaptionCue {
  size_t scene = 0;
  double start_s = 0, end_s = 0;
  std::string text;
};

std::vector<CaptionCue> SplitCaptions(const std::vector<NarrationCue>& narration);

// A WebVTT document (times to the millisecond; &, < and > escaped).
std::string WebVtt(const std::vector<CaptionCue>& cues);

// Burned-in captions: each cue as a picture in the lower part of the safe
// area (wrapped, shrunk to fit like a text box), over a box of
// style.background, shown over frames [round(start*fps), round(end*fps)).
// Errors name `captions.font` or `captions.size_px`.
Result<FrameOverlays> CaptionOverlays(const std::vector<CaptionCue>& cues, const Manifest& m,
                                      const CanvasMapping& map, int fps);

}  // namespace aiprod
