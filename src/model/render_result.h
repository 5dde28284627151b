// What rendering produced: one `Rendition` per language variant and aspect
// ratio (the render stage's checkpoint and Job::render_result, read by QA and
// delivery), with its one JSON mapping. `aiprod render --json` prints a
// rendition too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"

namespace aiprod {

// Where the renderer placed a scene's narration (QA listens there).
struct RenditionCue {
  size_t scene = 0;
  double start_s = 0, end_s = 0;
};

struct Rendition {
  std::string lang, aspect;  // empty for a render outside a job
  std::string video;         // path of the MP4
  std::string captions;      // WebVTT path, or empty
  std::string poster;        // poster image path, or empty
  double duration_s = 0;
  int64_t frames = 0;
  int width = 0, height = 0;
  std::vector<RenditionCue> narration_cues;
  // The scene cache: segments found ready (hits) and encoded (misses).
  int64_t segments = 0, cache_hits = 0, cache_misses = 0, frames_encoded = 0;
  bool soundtrack_cached = false, poster_cached = false;
  double render_seconds = 0;
};

struct RenderResult {
  std::vector<Rendition> renditions;
};

Json RenditionToJson(const Rendition& r);
// kInvalidInput naming the field (`renditions[1].video`) when one is missing
// or of the wrong type; `video`, `width` and `height` are required.
Result<Rendition> RenditionFromJson(const Json& j, const std::string& path = "");

Json RenderResultToJson(const RenderResult& r);
// A null document reads as no renditions (nothing rendered yet).
Result<RenderResult> RenderResultFromJson(const Json& j);

}  // namespace aiprod
