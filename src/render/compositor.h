// Scene pixels. A scene is prepared when a frame first needs it: background
// and leading static layers are drawn once with Cairo and converted to a
// yuv420p base image; text is rasterised and pictures decoded once. A frame
// is then the base copied plus the remaining layers redrawn, in ARGB, only
// inside the rectangle they cover at that moment, and converted back into
// the frame. A video background changes every frame: the clip frame is
// scaled into place, then the static layers (kept as one premultiplied
// overlay) and the moving ones are composited over it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "core/error.h"
#include "render/geometry.h"
#include "render/image_decode.h"
#include "render/pixel_convert.h"
#include "render/scene_plan.h"
#include "render/text_layout.h"
#include "render/video_clip.h"

namespace aiprod {

struct LayerPlacement;  // layer_draw.h

// Working state of one drawing thread, reused from frame to frame.
struct DrawScratch {
  std::vector<uint32_t> argb;  // the region being redrawn
  Yuv420Image yuv;             // the incoming scene of a transition (allocated on first use)
  TextRaster revealed;         // a typewriter layer's partial text
  std::map<size_t, std::unique_ptr<ClipReader>> clips;  // video backgrounds, by scene
};

// Immutable once built, so several threads may draw frames from it at once.
// Memory: the yuv420p base (1.5 bytes per output pixel), the ARGB pixels of
// the area animated layers can reach, their text rasters and pictures.
class PreparedScene {
 public:
  // `plan` and `map` must outlive the scene. Errors name the field of a
  // picture that cannot be decoded.
  static Result<std::unique_ptr<const PreparedScene>> Build(const ScenePlan& plan,
                                                            const CanvasMapping& map);

  // Draws local frame `k` (time k/fps) into `out`, an output-sized image.
  Status Draw(const Yuv420Planes& out, DrawScratch& scratch, int64_t k) const;

  // The rectangle per-frame layers can reach over the whole scene (even
  // coordinates; empty when every layer is baked).
  PixelRect animated_region() const { return region_; }

 private:
  struct Passkey {
    explicit Passkey() = default;
  };

 public:
  PreparedScene(Passkey, const ScenePlan& plan, const CanvasMapping& map);  // use Build

 private:
  Status BuildStill(std::vector<uint32_t>& full);
  Status BuildVideoOverlay(std::vector<uint32_t>& full);
  // Places and draws the animated layers at time t into `argb` (the
  // rectangle `dirty`, rows of dirty.Width()).
  // Places the animated (unbaked) layers at time `t`; returns the even-aligned
  // part of the animated region they cover this frame.
  PixelRect PlaceAnimated(double t, std::vector<LayerPlacement>& placed) const;
  Status DrawAnimated(DrawScratch& scratch, const PixelRect& dirty,
                      const std::vector<LayerPlacement>& placed) const;
  Status DrawVideoFrame(const Yuv420Planes& out, DrawScratch& scratch, int64_t k) const;

  const ScenePlan* plan_;
  const CanvasMapping* map_;
  Yuv420Image base_;  // still backgrounds: the scene's static picture
  PixelRect region_;
  std::vector<uint32_t> region_argb_;  // base pixels inside region_, rows of region_.Width()
  std::vector<TextRaster> rasters_;    // per layer; empty for non-text and baked layers
  std::vector<ArgbImage> pictures_;    // per layer; empty for non-picture and baked layers
  // Video backgrounds: the static layers as one premultiplied overlay.
  PixelRect overlay_rect_;
  std::vector<uint32_t> overlay_;
};

}  // namespace aiprod
