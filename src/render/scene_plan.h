// A scene resolved for drawing: validated, assets resolved and probed, text
// laid out in output pixels, and split into the layers that never change
// (baked into the scene's base image) and those drawn per frame. Holds no
// pixels.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "model/manifest.h"
#include "render/assets.h"
#include "render/geometry.h"
#include "render/image_decode.h"
#include "render/text_layout.h"
#include "render/video_clip.h"

namespace aiprod {

// A picture to draw: an image or logo layer, or an image background.
struct ImagePlan {
  std::string path;   // resolved, inside the asset directory
  std::string field;  // the manifest field naming it, for decoding errors
  ImageInfo info;     // the file's own size
  Box box;            // canvas units (a logo's is computed from its corner)
  ImageFit fit = ImageFit::kFit;
  double max_scale = 1;  // the largest scale its animations reach (raster resolution)
};

struct ClipPlan {
  std::string path, field;
  ClipInfo info;
};

struct LayerPlan {
  const Layer* layer = nullptr;
  std::optional<TextPlan> text;    // text layers
  std::optional<ImagePlan> image;  // image and logo layers
};

// Holds pointers into the manifest, which must outlive it. Immutable once
// built; safe to share across threads.
struct ScenePlan {
  size_t index = 0;
  const Scene* scene = nullptr;
  int64_t frames = 0;  // the scene's length on the timeline
  int fps = 30;
  std::vector<LayerPlan> layers;
  size_t baked = 0;  // layers [0, baked) have no animation: drawn once per scene
  std::optional<ImagePlan> background_image;  // background kind image
  std::optional<ClipPlan> clip;               // background kind video
  std::vector<std::string> asset_digests;     // of every asset used, in order of use
};

// Validates scene `index`, resolves its assets through `assets` and lays out
// its text; errors name the field (`scenes[2].layers[0].font`,
// `scenes[1].background.asset`).
Result<ScenePlan> PlanScene(const Manifest& m, size_t index, int64_t frames, int fps,
                            const CanvasMapping& map, AssetResolver& assets);

}  // namespace aiprod
