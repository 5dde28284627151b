#include "render/overlays.h"

#include <algorithm>

namespace aiprod {

void FrameOverlays::Draw(int64_t n, const Yuv420Planes& out, int width, int height) const {
  for (const FrameOverlay& o : items_) {
    if (n < o.begin || n >= o.end || o.raster.width <= 0) continue;
    const TextRaster& r = o.raster;
    // Clip to the frame, keeping even coordinates.
    const int x0 = std::max(0, r.x), y0 = std::max(0, r.y);
    const int x1 = std::min(width, r.x + r.width) & ~1, y1 = std::min(height, r.y + r.height) & ~1;
    if (x1 <= x0 || y1 <= y0 || (x0 % 2) != 0 || (y0 % 2) != 0) continue;
    const auto* src = reinterpret_cast<const uint8_t*>(r.pixels.data()) +
                      static_cast<ptrdiff_t>(y0 - r.y) * r.stride + (x0 - r.x) * 4;
    const Yuv420Planes at{out.y + static_cast<ptrdiff_t>(y0) * out.y_stride + x0,
                          out.u + static_cast<ptrdiff_t>(y0 / 2) * out.u_stride + x0 / 2,
                          out.v + static_cast<ptrdiff_t>(y0 / 2) * out.v_stride + x0 / 2,
                          out.y_stride,
                          out.u_stride,
                          out.v_stride};
    BlendArgbOverYuv420(src, r.stride, x1 - x0, y1 - y0, at);
  }
}

std::string FrameOverlays::Describe(int64_t begin, int64_t end) const {
  std::string d;
  for (const FrameOverlay& o : items_) {
    if (o.end <= begin || o.begin >= end) continue;
    d += "[" + std::to_string(std::max(o.begin, begin) - begin) + "," +
         std::to_string(std::min(o.end, end) - begin) + ")" + o.description + "\n";
  }
  return d;
}

}  // namespace aiprod
