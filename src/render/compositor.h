// Scene pixels. A scene is prepared when a frame first needs it: background
// and leading static layers are drawn once with Cairo and converted to a
// yuv420p base image; text is rasterised once. A frame is then the base
// copied plus the remaining layers redrawn, in ARGB, only inside the
// rectangle they cover at that moment, and converted back into the frame.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/error.h"
#include "render/geometry.h"
#include "render/pixel_convert.h"
#include "render/scene_plan.h"
#include "render/text_layout.h"

namespace aiprod {

// Working pixels of one drawing thread, reused from frame to frame.
struct DrawScratch {
  std::vector<uint32_t> argb;  // the region being redrawn
  Yuv420Image yuv;             // the incoming scene of a crossfade (allocated on first use)
};

// Immutable once built, so several threads may draw frames from it at once.
// Memory: the yuv420p base (1.5 bytes per output pixel), the ARGB pixels of
// the area animated layers can reach, and the text rasters of those layers.
class PreparedScene {
 public:
  // `plan` and `map` must outlive the scene.
  static Result<std::unique_ptr<const PreparedScene>> Build(const ScenePlan& plan,
                                                            const CanvasMapping& map);

  // Draws local frame `k` (time k/fps) into `out`, an output-sized image.
  void Draw(const Yuv420Planes& out, DrawScratch& scratch, int64_t k) const;

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
  const ScenePlan* plan_;
  const CanvasMapping* map_;
  Yuv420Image base_;
  PixelRect region_;
  std::vector<uint32_t> region_argb_;  // base pixels inside region_, rows of region_.Width()
  std::vector<TextRaster> rasters_;    // per layer; empty for rects and baked layers
};

}  // namespace aiprod
