#include "render/pixel_convert.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace aiprod {
namespace {

struct Yuv {
  int y, u, v;
};

// Converts a 2x2 image of one colour.
Yuv Convert(uint32_t argb) {
  std::vector<uint32_t> px(4, argb);
  uint8_t y[4], u[1], v[1];
  ArgbToYuv420(reinterpret_cast<const uint8_t*>(px.data()), 8, 2, 2, {y, u, v, 2, 1, 1});
  return {y[0], u[0], v[0]};
}

TEST(PixelConvert, Bt709LimitedRange) {
  Yuv white = Convert(0xffffffff), black = Convert(0xff000000);
  EXPECT_EQ(white.y, 235);
  EXPECT_EQ(white.u, 128);
  EXPECT_EQ(white.v, 128);
  EXPECT_EQ(black.y, 16);
  EXPECT_EQ(black.u, 128);
  EXPECT_EQ(black.v, 128);
  Yuv red = Convert(0xffff0000);  // Y = 16 + 219 * 0.2126 = 62.6
  EXPECT_EQ(red.y, 63);
  EXPECT_EQ(red.u, 102);  // 128 - 112 * 0.2126 / 0.9278
  EXPECT_EQ(red.v, 240);
  Yuv blue = Convert(0xff0000ff);
  EXPECT_EQ(blue.y, 32);  // 16 + 219 * 0.0722 = 31.8
  EXPECT_EQ(blue.u, 240);
  Yuv grey = Convert(0xff808080);
  EXPECT_EQ(grey.u, 128);
  EXPECT_EQ(grey.v, 128);
}

TEST(PixelConvert, ChromaIsTheBlockMean) {
  // Left column white, right column black: chroma stays neutral, luma per pixel.
  std::vector<uint32_t> px = {0xffffffff, 0xff000000, 0xffffffff, 0xff000000};
  uint8_t y[4], u[1], v[1];
  ArgbToYuv420(reinterpret_cast<const uint8_t*>(px.data()), 8, 2, 2, {y, u, v, 2, 1, 1});
  EXPECT_EQ(y[0], 235);
  EXPECT_EQ(y[1], 16);
  EXPECT_EQ(u[0], 128);
  EXPECT_EQ(v[0], 128);
}

TEST(PixelConvert, BlendWeights) {
  Yuv420Image a(2, 2), b(2, 2);
  std::vector<uint8_t> av = {0, 100, 200, 255, 16, 240}, bv = {255, 200, 0, 255, 240, 16};
  auto fill = [](Yuv420Image& img, const std::vector<uint8_t>& v) {
    Yuv420Planes p = img.planes();
    std::copy(v.begin(), v.begin() + 4, p.y);
    *p.u = v[4];
    *p.v = v[5];
  };
  auto values = [](Yuv420Image& img) {
    Yuv420Planes p = img.planes();
    return std::vector<uint8_t>{p.y[0], p.y[1], p.y[2], p.y[3], *p.u, *p.v};
  };
  fill(a, av);
  fill(b, bv);
  BlendYuv420(b.planes(), a.planes(), 2, 2, 0, 15);
  EXPECT_EQ(values(a), av);
  BlendYuv420(b.planes(), a.planes(), 2, 2, 1, 2);
  EXPECT_EQ(values(a), (std::vector<uint8_t>{128, 150, 100, 255, 128, 128}));
  fill(a, av);
  BlendYuv420(b.planes(), a.planes(), 2, 2, 15, 15);
  EXPECT_EQ(values(a), bv);
  Yuv420Image c(2, 2);
  CopyYuv420(b.planes(), c.planes(), 2, 2);
  EXPECT_EQ(values(c), bv);
}

}  // namespace
}  // namespace aiprod
