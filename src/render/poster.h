// The poster image: one output frame, drawn afresh (not decoded from the
// video), as PNG or JPEG bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "model/manifest.h"
#include "render/geometry.h"
#include "render/overlays.h"
#include "render/scene_plan.h"
#include "render/timeline.h"

namespace aiprod {

// The output frame the manifest's poster spec points at: scene
// poster.scene at poster.at_s (default two thirds into the scene).
int64_t PosterFrame(const Manifest& m, const Timeline& timeline);

// Draws output frame `n` and encodes it; `format` is "png" or "jpeg".
Result<std::string> RenderPoster(const std::vector<ScenePlan>& plans, const Timeline& timeline,
                                 const CanvasMapping& map, const FrameOverlays* overlays, int64_t n,
                                 const std::string& format);

}  // namespace aiprod
