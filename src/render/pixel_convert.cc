#include "render/pixel_convert.h"

#include <cstddef>
#include <cstring>

namespace aiprod {
namespace {

// BT.709 in 16-bit fixed point. The green terms are derived so that the
// coefficients sum exactly (grey maps to chroma 128).
// NOLINTNEXTLINE(bugprone-incorrect-roundings): v >= 0 where it adds 0.5
constexpr int Fix(double v) { return v >= 0 ? static_cast<int>(v * 65536 + 0.5) : -Fix(-v); }
constexpr double kKr = 0.2126, kKb = 0.0722;
constexpr double kYScale = 219.0 / 255, kCScale = 224.0 / 255;
constexpr int kYR = Fix(kKr * kYScale), kYB = Fix(kKb * kYScale);
constexpr int kYG = Fix(kYScale) - kYR - kYB;
constexpr int kUB = Fix(kCScale / 2), kUR = Fix(-kKr / (2 * (1 - kKb)) * kCScale);
constexpr int kUG = -kUB - kUR;
constexpr int kVR = Fix(kCScale / 2), kVB = Fix(-kKb / (2 * (1 - kKr)) * kCScale);
constexpr int kVG = -kVR - kVB;

inline int R(uint32_t p) { return static_cast<int>((p >> 16) & 0xff); }
inline int G(uint32_t p) { return static_cast<int>((p >> 8) & 0xff); }
inline int B(uint32_t p) { return static_cast<int>(p & 0xff); }

void LumaRow(const uint32_t* src, uint8_t* dst, int width) {
  for (int x = 0; x < width; ++x) {
    uint32_t p = src[x];
    dst[x] =
        static_cast<uint8_t>((kYR * R(p) + kYG * G(p) + kYB * B(p) + (16 << 16) + (1 << 15)) >> 16);
  }
}

// Chroma of the 2x2 blocks of two rows.
void ChromaRow(const uint32_t* r0, const uint32_t* r1, uint8_t* u, uint8_t* v, int half_width) {
  for (int x = 0; x < half_width; ++x) {
    uint32_t a = r0[2 * x], b = r0[2 * x + 1], c = r1[2 * x], d = r1[2 * x + 1];
    int sr = R(a) + R(b) + R(c) + R(d);
    int sg = G(a) + G(b) + G(c) + G(d);
    int sb = B(a) + B(b) + B(c) + B(d);
    u[x] = static_cast<uint8_t>((kUR * sr + kUG * sg + kUB * sb + (128 << 18) + (1 << 17)) >> 18);
    v[x] = static_cast<uint8_t>((kVR * sr + kVG * sg + kVB * sb + (128 << 18) + (1 << 17)) >> 18);
  }
}

}  // namespace

void ArgbToYuv420(const uint8_t* argb, int stride, int width, int height, const Yuv420Planes& out) {
  for (int y = 0; y < height; y += 2) {
    const auto* r0 =
        reinterpret_cast<const uint32_t*>(argb + static_cast<std::ptrdiff_t>(y) * stride);
    const auto* r1 =
        reinterpret_cast<const uint32_t*>(argb + static_cast<std::ptrdiff_t>(y + 1) * stride);
    LumaRow(r0, out.y + static_cast<std::ptrdiff_t>(y) * out.y_stride, width);
    LumaRow(r1, out.y + static_cast<std::ptrdiff_t>(y + 1) * out.y_stride, width);
    ChromaRow(r0, r1, out.u + static_cast<std::ptrdiff_t>(y / 2) * out.u_stride,
              out.v + static_cast<std::ptrdiff_t>(y / 2) * out.v_stride, width / 2);
  }
}

void BlendArgbOverYuv420(const uint8_t* argb, int stride, int width, int height,
                         const Yuv420Planes& out) {
  for (int y = 0; y < height; y += 2) {
    const auto* r0 =
        reinterpret_cast<const uint32_t*>(argb + static_cast<std::ptrdiff_t>(y) * stride);
    const auto* r1 =
        reinterpret_cast<const uint32_t*>(argb + static_cast<std::ptrdiff_t>(y + 1) * stride);
    for (int row = 0; row < 2; ++row) {
      const uint32_t* src = row == 0 ? r0 : r1;
      uint8_t* dy = out.y + static_cast<std::ptrdiff_t>(y + row) * out.y_stride;
      for (int x = 0; x < width; ++x) {
        const uint32_t p = src[x];
        const int a = static_cast<int>(p >> 24);
        if (a == 0) continue;
        dy[x] = static_cast<uint8_t>((kYR * R(p) + kYG * G(p) + kYB * B(p) + 16 * a * 257 +
                                      (255 - a) * 257 * dy[x] + (1 << 15)) >>
                                     16);
      }
    }
    uint8_t* du = out.u + static_cast<std::ptrdiff_t>(y / 2) * out.u_stride;
    uint8_t* dv = out.v + static_cast<std::ptrdiff_t>(y / 2) * out.v_stride;
    for (int x = 0; x < width / 2; ++x) {
      const uint32_t a = r0[2 * x], b = r0[2 * x + 1], c = r1[2 * x], d = r1[2 * x + 1];
      const int sa = static_cast<int>((a >> 24) + (b >> 24) + (c >> 24) + (d >> 24));
      if (sa == 0) continue;
      const int sr = R(a) + R(b) + R(c) + R(d);
      const int sg = G(a) + G(b) + G(c) + G(d);
      const int sb = B(a) + B(b) + B(c) + B(d);
      const int keep = (1020 - sa) * 257;
      du[x] = static_cast<uint8_t>(
          (kUR * sr + kUG * sg + kUB * sb + 128 * sa * 257 + keep * du[x] + (1 << 17)) >> 18);
      dv[x] = static_cast<uint8_t>(
          (kVR * sr + kVG * sg + kVB * sb + 128 * sa * 257 + keep * dv[x] + (1 << 17)) >> 18);
    }
  }
}

namespace {

void CopyPlane(const uint8_t* src, int ss, uint8_t* dst, int ds, int width, int height) {
  for (int y = 0; y < height; ++y) {
    std::memcpy(dst + static_cast<std::ptrdiff_t>(y) * ds,
                src + static_cast<std::ptrdiff_t>(y) * ss, static_cast<size_t>(width));
  }
}

void BlendPlane(const uint8_t* over, int os, uint8_t* dst, int ds, int width, int height,
                uint32_t w_over) {
  const uint32_t w_dst = 65536 - w_over;
  for (int y = 0; y < height; ++y) {
    const uint8_t* po = over + static_cast<std::ptrdiff_t>(y) * os;
    uint8_t* pd = dst + static_cast<std::ptrdiff_t>(y) * ds;
    for (int i = 0; i < width; ++i) {
      pd[i] = static_cast<uint8_t>((pd[i] * w_dst + po[i] * w_over + 32768) >> 16);
    }
  }
}

}  // namespace

void CopyYuv420(const Yuv420View& src, const Yuv420Planes& dst, int width, int height) {
  CopyPlane(src.y, src.y_stride, dst.y, dst.y_stride, width, height);
  CopyPlane(src.u, src.u_stride, dst.u, dst.u_stride, width / 2, height / 2);
  CopyPlane(src.v, src.v_stride, dst.v, dst.v_stride, width / 2, height / 2);
}

void BlendYuv420(const Yuv420View& over, const Yuv420Planes& dst, int width, int height,
                 int64_t num, int64_t den) {
  const auto w = static_cast<uint32_t>((num * 65536 + den / 2) / den);
  BlendPlane(over.y, over.y_stride, dst.y, dst.y_stride, width, height, w);
  BlendPlane(over.u, over.u_stride, dst.u, dst.u_stride, width / 2, height / 2, w);
  BlendPlane(over.v, over.v_stride, dst.v, dst.v_stride, width / 2, height / 2, w);
}

}  // namespace aiprod
