// The renderer: a manifest variant in, an MP4 out (plus WebVTT captions and
// a poster image next to it).
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
// Scene cache: the video is encoded in segments (segments.h: each scene's
// own frames, each transition's overlap), each keyed by a hash of everything
// that decides its pixels (segment_key.h) and kept in
// RenderSettings::cache_dir. A render encodes only the segments the cache
// lacks and joins all of them without re-encoding; the soundtrack is mixed
// and encoded whole every time. Editing one scene re-encodes that scene and
// the transitions touching it.
//
// Deterministic: the same manifest, assets and settings (and thread plan:
// settings.h PlanThreads) give byte-identical files, whether segments come
// from the cache or not.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "model/manifest.h"
#include "model/render_result.h"
#include "render/captions.h"
#include "render/settings.h"
#include "render/speech.h"

namespace aiprod {

struct RenderedVideo {
  std::string video_path;
  std::string captions_path;  // WebVTT; empty when there was no narration (or disabled)
  std::string poster_path;    // PNG/JPEG; empty when disabled
  double duration_s = 0;
  int64_t frames = 0;
  int width = 0, height = 0;
  int fps = 0;
  std::vector<NarrationCue> cues;
  std::vector<CaptionCue> captions;
  // The scene cache: segments found ready (hits) and encoded (misses).
  int64_t segments = 0, cache_hits = 0, cache_misses = 0;
  int64_t frames_encoded = 0;      // frames drawn and encoded by this render
  bool soundtrack_cached = false;  // the encoded soundtrack came from the cache
  bool poster_cached = false;      // and the poster
  int segment_jobs = 1, encoder_threads = 1;
  double wall_s = 0;  // wall-clock time of the render
};

// Fraction of the work done, 0..1; called on the thread that called
// RenderVideo, a few hundred times at most, the last time with 1.
using RenderProgress = std::function<void(double fraction)>;

// Renders `m` to `out_path` (parent directories are created); captions go
// to `<out_path without extension>.vtt`, the poster to `.poster.png` (or
// `.poster.jpg`). Writes temporary files and renames them into place only on
// success: on failure or cancellation no output (and no temporary, and no
// partial cache entry) is left.
//
// Errors: kInvalidInput naming the field for bad settings (`settings.width`)
// or scene data (`scenes[2].layers[0].text`: does not fit;
// `scenes[2].layers[0].font`: not installed; `scenes[1].background.asset`:
// missing, corrupt or outside the asset directory); kCancelled when `cancel`
// becomes true (checked between frames); kIo for filesystem failures.
//
// Thread-safe: renders may run concurrently, and may share a cache
// directory (text layout shares one process-wide lock; speech goes through
// one helper process, see speech_helper.h). Lowers libav's log level from
// its default (info) to warnings, process-wide, unless the process set
// another level.
//
// Memory: the soundtrack (192 KB per second), per segment job the scenes
// being drawn (a yuv420p image each, plus the ARGB area their animated
// layers cover) and a few frames in flight, and per job an x264 encoder
// (about 217 MB at 1080p veryfast with 2 threads). PlanThreads keeps the
// estimate under RenderSettings::memory_budget_mb.
//
// `progress` must not throw.
Result<RenderedVideo> RenderVideo(const Manifest& m, const RenderSettings& settings,
                                  const std::string& out_path, const RenderProgress& progress = {},
                                  const std::atomic<bool>* cancel = nullptr);

// The record of a render that jobs keep and `aiprod render --json` prints
// (model/render_result.h); `lang` and `aspect` say which rendition of a job.
Rendition ToRendition(const RenderedVideo& r, std::string lang = {}, std::string aspect = {});

}  // namespace aiprod
