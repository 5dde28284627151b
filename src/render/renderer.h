// The renderer: a manifest variant in, an MP4 out.
//
// Output: H.264 High (libx264, yuv420p, BT.709 limited range, tagged) and
// AAC-LC 48 kHz stereo in an MP4 with the index first (+faststart), at
// constant frame rate. The frame rate is the manifest's canvas.fps (the
// manifest's timings are authored for it); RenderSettings::fps only applies
// when canvas.fps is 0. The canvas is scaled uniformly to the output size and
// centred. Scene i starts where scene i-1 ends minus scene i's transition;
// durations are rounded to whole frames; frame n is at t = n/fps; a crossfade
// of N frames shows under*(1-k/N) + over*(k/N) at its frame k.
//
// Deterministic: the same manifest and settings (and thread count; 0 means
// this machine's core count) give byte-identical files.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "model/manifest.h"
#include "render/settings.h"
#include "render/speech.h"

namespace aiprod {

// Where a scene's narration is heard on the output timeline.
struct NarrationCue {
  size_t scene = 0;
  double start_s = 0, end_s = 0;
  std::string text;
};

struct RenderResult {
  std::string video_path;
  double duration_s = 0;
  int64_t frames = 0;
  int width = 0, height = 0;
  int fps = 0;
  std::vector<NarrationCue> cues;
  double wall_s = 0;  // wall-clock time of the render
};

// Fraction of frames encoded, 0..1; called on the thread that called
// RenderVideo, a few hundred times at most, the last time with 1.
using RenderProgress = std::function<void(double fraction)>;

// Renders `m` to `out_path` (parent directories are created). Writes a
// temporary file next to it and renames it into place only on success: on
// failure or cancellation no output (and no temporary) is left.
//
// Errors: kInvalidInput naming the field for bad settings (`settings.width`)
// or scene data (`scenes[2].layers[0].text`: does not fit;
// `scenes[2].layers[0].font`: not installed); kCancelled when `cancel`
// becomes true (checked between frames); kIo for filesystem failures.
//
// Thread-safe: renders may run concurrently (text layout shares one
// process-wide lock; speech goes through one helper process, see
// speech_helper.h). Lowers libav's log level from its default (info) to
// warnings, process-wide, unless the process set another level.
//
// Memory: the soundtrack (192 KB per second), the scenes being drawn (a
// yuv420p image each, plus the ARGB area their animated layers cover), a
// few frames in flight, and x264 (about 240 MB at 1080p veryfast, 2 threads).
//
// `progress` must not throw.
Result<RenderResult> RenderVideo(const Manifest& m, const RenderSettings& settings,
                                 const std::string& out_path, const RenderProgress& progress = {},
                                 const std::atomic<bool>* cancel = nullptr);

}  // namespace aiprod
