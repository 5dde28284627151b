// Maps canvas units (the manifest's coordinates) to output pixels: a uniform
// scale that fits the canvas inside the output, centred.
#pragma once

#include <algorithm>
#include <cmath>

namespace aiprod {

// A rectangle of whole output pixels, [x0, x1) x [y0, y1).
struct PixelRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;

  bool Empty() const { return x1 <= x0 || y1 <= y0; }
  int Width() const { return x1 - x0; }
  int Height() const { return y1 - y0; }
  PixelRect Union(const PixelRect& o) const {
    if (Empty()) return o;
    if (o.Empty()) return *this;
    return {std::min(x0, o.x0), std::min(y0, o.y0), std::max(x1, o.x1), std::max(y1, o.y1)};
  }
  PixelRect Intersect(const PixelRect& o) const {
    PixelRect r{std::max(x0, o.x0), std::max(y0, o.y0), std::min(x1, o.x1), std::min(y1, o.y1)};
    return r.Empty() ? PixelRect{} : r;
  }
  // Grown to even coordinates (whole 2x2 chroma blocks).
  PixelRect AlignedToEven() const {
    if (Empty()) return {};
    auto down = [](int v) { return v - (((v % 2) + 2) % 2); };
    auto up = [&](int v) { return down(v + 1); };
    return {down(x0), down(y0), up(x1), up(y1)};
  }
  bool Contains(const PixelRect& o) const {
    return o.Empty() || (o.x0 >= x0 && o.y0 >= y0 && o.x1 <= x1 && o.y1 <= y1);
  }
};

struct CanvasMapping {
  int out_width = 0, out_height = 0;
  int canvas_width = 0, canvas_height = 0;
  double scale = 1;                   // output px per canvas unit
  double offset_x = 0, offset_y = 0;  // output px of canvas (0, 0)
  // The canvas rectangle in whole output pixels: [x0, x1) x [y0, y1).
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;

  static CanvasMapping Fit(int canvas_w, int canvas_h, int out_w, int out_h) {
    CanvasMapping m;
    m.out_width = out_w, m.out_height = out_h;
    m.canvas_width = canvas_w, m.canvas_height = canvas_h;
    m.scale =
        std::min(static_cast<double>(out_w) / canvas_w, static_cast<double>(out_h) / canvas_h);
    m.offset_x = (out_w - canvas_w * m.scale) / 2;
    m.offset_y = (out_h - canvas_h * m.scale) / 2;
    m.x0 = static_cast<int>(std::lround(m.offset_x));
    m.y0 = static_cast<int>(std::lround(m.offset_y));
    m.x1 =
        std::clamp(static_cast<int>(std::lround(m.offset_x + canvas_w * m.scale)), m.x0 + 1, out_w);
    m.y1 =
        std::clamp(static_cast<int>(std::lround(m.offset_y + canvas_h * m.scale)), m.y0 + 1, out_h);
    return m;
  }

  PixelRect Canvas() const { return {x0, y0, x1, y1}; }
  PixelRect Output() const { return {0, 0, out_width, out_height}; }

  double X(double canvas_x) const { return offset_x + canvas_x * scale; }
  double Y(double canvas_y) const { return offset_y + canvas_y * scale; }
  double Len(double canvas_len) const { return canvas_len * scale; }
};

}  // namespace aiprod
