// A scene resolved for drawing: validated, text laid out in output pixels,
// and split into the layers that never change (baked into the scene's base
// image) and those drawn per frame. Holds no pixels.
#pragma once

#include <optional>
#include <vector>

#include "core/error.h"
#include "model/manifest.h"
#include "render/geometry.h"
#include "render/text_layout.h"

namespace aiprod {

struct LayerPlan {
  const Layer* layer = nullptr;
  std::optional<TextPlan> text;  // for text layers
};

// Holds pointers into the manifest, which must outlive it. Immutable once
// built; safe to share across threads.
struct ScenePlan {
  size_t index = 0;
  const Scene* scene = nullptr;
  int64_t frames = 0;  // the scene's length on the timeline
  int fps = 30;
  std::vector<LayerPlan> layers;
  size_t baked = 0;  // layers [0, baked) have no animation: drawn into the base image
};

// Validates scene `index` and lays out its text; errors name the field
// (`scenes[2].layers[0].font`).
Result<ScenePlan> PlanScene(const Manifest& m, size_t index, int64_t frames, int fps,
                            const CanvasMapping& map);

}  // namespace aiprod
