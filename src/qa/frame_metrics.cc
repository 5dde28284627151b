#include "qa/frame_metrics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

namespace aiprod {
namespace {

// A sampling step giving about `points` samples over the picture.
int StepFor(const RgbImage& img, double points) {
  double area = static_cast<double>(img.width) * img.height;
  return std::max(1, static_cast<int>(std::sqrt(area / points)));
}

double Linear(double c) {
  c /= 255;
  return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

std::array<double, 3> Lab(Color c) {
  double r = Linear(c.r), g = Linear(c.g), b = Linear(c.b);
  double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116; };
  double fx = f(x), fy = f(y), fz = f(z);
  return {116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)};
}

}  // namespace

double Luma(Rgb p) { return 0.2126 * p.r + 0.7152 * p.g + 0.0722 * p.b; }

double DarkFraction(const RgbImage& img, double max_luma) {
  if (img.width <= 0 || img.height <= 0) return 1;
  const int step = StepFor(img, 20000);
  size_t dark = 0, total = 0;
  for (int y = step / 2; y < img.height; y += step) {
    for (int x = step / 2; x < img.width; x += step) {
      dark += Luma(PixelAt(img, x, y)) <= max_luma;
      ++total;
    }
  }
  return total ? static_cast<double>(dark) / static_cast<double>(total) : 1;
}

GreyThumb MakeThumb(const RgbImage& img, int width) {
  GreyThumb t;
  if (img.width <= 0 || img.height <= 0) return t;
  t.width = std::min(width, img.width);
  t.height = std::max(
      1, static_cast<int>(std::lround(static_cast<double>(img.height) * t.width / img.width)));
  t.pixels.resize(static_cast<size_t>(t.width) * t.height);
  for (int ty = 0; ty < t.height; ++ty) {
    const int y0 = ty * img.height / t.height,
              y1 = std::max(y0 + 1, (ty + 1) * img.height / t.height);
    for (int tx = 0; tx < t.width; ++tx) {
      const int x0 = tx * img.width / t.width,
                x1 = std::max(x0 + 1, (tx + 1) * img.width / t.width);
      double sum = 0;
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) sum += Luma(PixelAt(img, x, y));
      }
      t.pixels[static_cast<size_t>(ty) * t.width + tx] =
          static_cast<uint8_t>(std::lround(sum / ((y1 - y0) * (x1 - x0))));
    }
  }
  return t;
}

double ChangedFraction(const GreyThumb& a, const GreyThumb& b, int min_delta) {
  if (a.width != b.width || a.height != b.height || a.pixels.empty()) return 1;
  size_t changed = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    changed += std::abs(int{a.pixels[i]} - int{b.pixels[i]}) > min_delta;
  }
  return static_cast<double>(changed) / static_cast<double>(a.pixels.size());
}

double DeltaE(Color a, Color b) {
  auto la = Lab(a), lb = Lab(b);
  return std::sqrt((la[0] - lb[0]) * (la[0] - lb[0]) + (la[1] - lb[1]) * (la[1] - lb[1]) +
                   (la[2] - lb[2]) * (la[2] - lb[2]));
}

std::vector<ColourShare> DominantColours(const RgbImage& img, double min_fraction) {
  std::vector<ColourShare> out;
  if (img.width <= 0 || img.height <= 0) return out;
  constexpr int kBins = 32;  // 8 levels per bin and channel
  struct Bin {
    double r = 0, g = 0, b = 0;
    size_t n = 0;
  };
  std::vector<Bin> bins(kBins * kBins * kBins);
  const int step = StepFor(img, 60000);
  size_t total = 0;
  for (int y = step / 2; y < img.height; y += step) {
    for (int x = step / 2; x < img.width; x += step) {
      Rgb p = PixelAt(img, x, y);
      Bin& bin = bins[(p.r / 8 * kBins + p.g / 8) * kBins + p.b / 8];
      bin.r += p.r;
      bin.g += p.g;
      bin.b += p.b;
      ++bin.n;
      ++total;
    }
  }
  for (const Bin& bin : bins) {
    double fraction = static_cast<double>(bin.n) / static_cast<double>(total);
    if (bin.n == 0 || fraction < min_fraction) continue;
    auto mean = [&](double sum) {
      return static_cast<uint8_t>(std::lround(sum / static_cast<double>(bin.n)));
    };
    out.push_back({{mean(bin.r), mean(bin.g), mean(bin.b), 255}, fraction});
  }
  std::ranges::sort(
      out, [](const ColourShare& a, const ColourShare& b) { return a.fraction > b.fraction; });
  return out;
}

double ShareNear(const std::vector<ColourShare>& colours, Color target, double max_delta_e) {
  double share = 0;
  for (const auto& c : colours) {
    if (DeltaE(c.colour, target) <= max_delta_e) share += c.fraction;
  }
  return share;
}

}  // namespace aiprod
