#include "render/transition_draw.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace aiprod {
namespace {

int Even(double v) { return 2 * static_cast<int>(std::lround(v / 2)); }
int EvenDown(int v) { return v - (((v % 2) + 2) % 2); }

// Copies the w x h block at (sx, sy) of `src` to (dx, dy) of `dst`; every
// coordinate and size is even.
void CopyBlock(const Yuv420View& src, int sx, int sy, const Yuv420Planes& dst, int dx, int dy,
               int w, int h) {
  if (w <= 0 || h <= 0) return;
  for (int y = 0; y < h; ++y) {
    std::memmove(dst.y + static_cast<ptrdiff_t>(dy + y) * dst.y_stride + dx,
                 src.y + static_cast<ptrdiff_t>(sy + y) * src.y_stride + sx,
                 static_cast<size_t>(w));
  }
  for (int y = 0; y < h / 2; ++y) {
    const ptrdiff_t so = static_cast<ptrdiff_t>(sy / 2) + y, doff = dy / 2 + y;
    std::memmove(dst.u + doff * dst.u_stride + dx / 2, src.u + so * src.u_stride + sx / 2,
                 static_cast<size_t>(w / 2));
    std::memmove(dst.v + doff * dst.v_stride + dx / 2, src.v + so * src.v_stride + sx / 2,
                 static_cast<size_t>(w / 2));
  }
}

}  // namespace

void ComposeTransition(const Transition& t, int64_t k, int64_t n, const Yuv420View& top,
                       const Yuv420Planes& out, const PixelRect& canvas, int width, int height) {
  if (k <= 0 || n <= 0) return;
  if (t.kind == Transition::Kind::kCrossfade || t.kind == Transition::Kind::kCut) {
    BlendYuv420(top, out, width, height, k, n);
    return;
  }
  // The canvas grown to whole chroma samples; the extra column or row is
  // letterbox black in both frames.
  const int x0 = EvenDown(canvas.x0), y0 = EvenDown(canvas.y0);
  const int x1 = std::min(width, EvenDown(canvas.x1 + 1)),
            y1 = std::min(height, EvenDown(canvas.y1 + 1));
  const int w = x1 - x0, h = y1 - y0;
  const double p = static_cast<double>(k) / static_cast<double>(n);
  const bool horizontal =
      t.direction == Transition::Direction::kLeft || t.direction == Transition::Direction::kRight;
  const int span = horizontal ? w : h;
  if (t.kind == Transition::Kind::kWipe) {
    const int shown = std::clamp(Even(span * p), 0, span);
    switch (t.direction) {
      case Transition::Direction::kLeft:
        CopyBlock(top, x1 - shown, y0, out, x1 - shown, y0, shown, h);
        break;
      case Transition::Direction::kRight:
        CopyBlock(top, x0, y0, out, x0, y0, shown, h);
        break;
      case Transition::Direction::kUp:
        CopyBlock(top, x0, y1 - shown, out, x0, y1 - shown, w, shown);
        break;
      case Transition::Direction::kDown:
        CopyBlock(top, x0, y0, out, x0, y0, w, shown);
        break;
    }
    return;
  }
  // Slide: the incoming frame is offset by `off` pixels still to travel.
  const int off = std::clamp(Even(span * (1 - p)), 0, span);
  switch (t.direction) {
    case Transition::Direction::kLeft:
      CopyBlock(top, x0, y0, out, x0 + off, y0, w - off, h);
      break;
    case Transition::Direction::kRight:
      CopyBlock(top, x0 + off, y0, out, x0, y0, w - off, h);
      break;
    case Transition::Direction::kUp:
      CopyBlock(top, x0, y0, out, x0, y0 + off, w, h - off);
      break;
    case Transition::Direction::kDown:
      CopyBlock(top, x0, y0 + off, out, x0, y0, w, h - off);
      break;
  }
}

}  // namespace aiprod
