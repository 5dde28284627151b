// Scene cache keys: a SHA-256 over everything that decides a segment's
// bytes, so equal keys mean identical segments.
//
// A key covers: the renderer version (kRendererVersion, raised whenever
// drawing or encoding changes its output), the encoder options (size, frame
// rate, CRF, preset, x264 threads), the canvas and how it maps to the
// output, the manifest's language and direction (text shaping), the scene's
// JSON without what only affects sound or placement in time (id, narration,
// transition), the scene's length in frames, the bytes of every asset it
// uses, the scene-local frames the segment covers, and for a transition its
// kind, direction and length plus the outgoing scene's part; finally the
// burned-in captions over the segment's frames.
//
// A poster's key is its segment's key, the frame's place in it and the
// image format. The soundtrack's key covers the renderer version, the mixed samples
// themselves (narration, music and tone are all in them) and what the
// normalisation and the AAC encoder are told.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/manifest.h"
#include "render/encoder.h"
#include "render/geometry.h"
#include "render/scene_plan.h"
#include "render/segments.h"
#include "render/soundtrack.h"
#include "render/timeline.h"

namespace aiprod {

inline constexpr std::string_view kRendererVersion = "aiprod-render/3";

// What every segment of a render shares.
std::string RenderDigest(const Manifest& m, const EncoderOptions& eo, const CanvasMapping& map);

// Scene `plan`'s pixels over its whole length.
std::string SceneDigest(const ScenePlan& plan);

// `scene_digests[i]` is SceneDigest of scene i; `overlays` is
// FrameOverlays::Describe over the segment's frames.
std::string SegmentKey(std::string_view render_digest, const Segment& seg, const Timeline& timeline,
                       const std::vector<std::string>& scene_digests, std::string_view overlays);

// The poster: frame `offset` of the segment keyed `segment_key`, encoded
// as `format` (png, jpeg).
std::string PosterKey(std::string_view segment_key, int64_t offset, std::string_view format);

// The encoded soundtrack of the mixed track `mono`.
std::string SoundtrackKey(std::span<const float> mono, const SoundtrackOptions& options);

}  // namespace aiprod
