// Pictures drawn over finished frames, on the output timeline rather than
// inside a scene: burned-in captions. Immutable once built; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "render/pixel_convert.h"
#include "render/text_layout.h"

namespace aiprod {

struct FrameOverlay {
  int64_t begin = 0, end = 0;  // output frames [begin, end)
  TextRaster raster;           // premultiplied ARGB at (raster.x, raster.y), even
  std::string description;     // everything that decides its pixels (for cache keys)
};

class FrameOverlays {
 public:
  FrameOverlays() = default;
  explicit FrameOverlays(std::vector<FrameOverlay> items) : items_(std::move(items)) {}

  bool empty() const { return items_.empty(); }
  const std::vector<FrameOverlay>& items() const { return items_; }

  // Composites every overlay showing at frame n onto `out` (width x height).
  void Draw(int64_t n, const Yuv420Planes& out, int width, int height) const;

  // The overlays meeting frames [begin, end), with their frames relative to
  // `begin`: part of a segment's cache key.
  std::string Describe(int64_t begin, int64_t end) const;

 private:
  std::vector<FrameOverlay> items_;
};

}  // namespace aiprod
