// Pixel loops on Cairo ARGB32 frames (native-endian 0xAARRGGBB words, rows
// `stride` bytes apart). Pure functions; safe to call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace aiprod {

struct Yuv420Planes {
  uint8_t* y;
  uint8_t* u;
  uint8_t* v;
  int y_stride, u_stride, v_stride;
};

// Read-only planes.
struct Yuv420View {
  const uint8_t* y;
  const uint8_t* u;
  const uint8_t* v;
  int y_stride, u_stride, v_stride;
  Yuv420View(const Yuv420Planes& p)  // NOLINT: implicit, like T* to const T*
      : y(p.y), u(p.u), v(p.v), y_stride(p.y_stride), u_stride(p.u_stride), v_stride(p.v_stride) {}
  Yuv420View(const uint8_t* y_, const uint8_t* u_, const uint8_t* v_, int ys, int us, int vs)
      : y(y_), u(u_), v(v_), y_stride(ys), u_stride(us), v_stride(vs) {}
};

// A yuv420p image in one owned buffer, planes tightly packed.
class Yuv420Image {
 public:
  Yuv420Image() = default;
  Yuv420Image(int width, int height)
      : width_(width), height_(height), data_(static_cast<size_t>(width) * height * 3 / 2) {}
  int width() const { return width_; }
  int height() const { return height_; }
  bool empty() const { return data_.empty(); }
  Yuv420Planes planes() {
    uint8_t* y = data_.data();
    uint8_t* u = y + static_cast<size_t>(width_) * height_;
    uint8_t* v = u + static_cast<size_t>(width_ / 2) * (height_ / 2);
    return {y, u, v, width_, width_ / 2, width_ / 2};
  }
  Yuv420View view() const {
    const uint8_t* y = data_.data();
    const uint8_t* u = y + static_cast<size_t>(width_) * height_;
    const uint8_t* v = u + static_cast<size_t>(width_ / 2) * (height_ / 2);
    return {y, u, v, width_, width_ / 2, width_ / 2};
  }

 private:
  int width_ = 0, height_ = 0;
  std::vector<uint8_t> data_;
};

// Copies `src` to `dst` (both width x height, even).
void CopyYuv420(const Yuv420View& src, const Yuv420Planes& dst, int width, int height);

// dst = dst*(1-w) + over*w on all three planes, w = num/den.
void BlendYuv420(const Yuv420View& over, const Yuv420Planes& dst, int width, int height,
                 int64_t num, int64_t den);

// Opaque ARGB32 (alpha ignored) to yuv420p, BT.709 matrix, limited range
// (Y 16..235, chroma 16..240); chroma is the mean of each 2x2 block.
// Precondition: width and height are even.
void ArgbToYuv420(const uint8_t* argb, int stride, int width, int height, const Yuv420Planes& out);

// Composites premultiplied ARGB32 pixels over yuv420p planes (source-over,
// BT.709 limited range; chroma with the 2x2 block's mean alpha). `out`
// points at the even pixel where the block goes. Precondition: width and
// height are even.
void BlendArgbOverYuv420(const uint8_t* argb, int stride, int width, int height,
                         const Yuv420Planes& out);

}  // namespace aiprod
