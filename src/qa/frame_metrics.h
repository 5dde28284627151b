// Measurements of single pictures for QA: how much of it is black, how much
// changed between two pictures, which colours dominate it. Pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "model/color.h"
#include "qa/probe.h"

namespace aiprod {

// BT.709 luma of an RGB pixel, 0..255.
double Luma(Rgb p);

// Fraction (0..1) of pixels whose luma is at most `max_luma` (sampled on a
// grid of about 20k points). blackdetect's default threshold is 0.1 * 255.
double DarkFraction(const RgbImage& image, double max_luma = 25.5);

// A small grey copy for comparing pictures cheaply (area average).
struct GreyThumb {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;
};
GreyThumb MakeThumb(const RgbImage& image, int width = 160);

// Fraction (0..1) of thumbnail pixels that differ by more than `min_delta`
// grey levels; 1 when the sizes differ.
double ChangedFraction(const GreyThumb& a, const GreyThumb& b, int min_delta = 10);

// CIE76 colour difference between two sRGB colours (Lab, D65).
double DeltaE(Color a, Color b);

struct ColourShare {
  Color colour;     // the mean colour of the pixels in this bin
  double fraction;  // of the sampled pixels
};
// The colours of a picture, most common first (bins of 8 levels per
// channel, sampled on a grid of about 60k points), down to `min_fraction`.
std::vector<ColourShare> DominantColours(const RgbImage& image, double min_fraction = 0.001);

// Fraction of the picture whose colour is within `max_delta_e` of `target`.
double ShareNear(const std::vector<ColourShare>& colours, Color target, double max_delta_e);

}  // namespace aiprod
