// Small manifests and settings for renderer tests (fast: 320x180, ultrafast).
#pragma once

#include <string>

#include "model/manifest.h"
#include "qa/probe.h"
#include "render/settings.h"

namespace aiprod::testing {

Color Hex(const std::string& hex);

// 8-bit levels a colour may move through the YUV round trip and x264.
constexpr int kTolerance = 6;
// Each channel of `got` within `tol` of `want`'s.
void ExpectNear(Rgb got, Color want, int tol = kTolerance);

// 320x180 output, ultrafast, 2 threads.
RenderSettings SmallSettings();
// The same, with assets resolved inside `asset_dir`.
RenderSettings SmallSettingsWithAssets(const std::string& asset_dir);

// Renders `m` into a temporary directory and decodes the frame on screen at `t_s`.
RgbImage RenderFrameAt(const Manifest& m, const RenderSettings& s, double t_s);

// A 640x360 canvas at 30 fps (scaled by 1/2 to the small output), 78 frames:
//  scene 0 [0, 30): gradient to bottom #4E342E -> #A1887F, white title
//    "Hello" (64 px, baseline 200), narration "Hello world" at 0.2 s;
//  scene 1 [18, 48): crossfades in over 12 frames; solid #0D47A1 and an
//    80x80 #FFB300 box at y=240 moving linearly x 0 -> 560 over the scene;
//  scene 2 [48, 78): cut; gradient to right #1B5E20 -> #43A047, no narration.
Manifest ThreeSceneManifest();

// One 1 s scene with a solid background and the given layers.
Manifest OneSceneManifest(std::vector<Layer> layers);
// One 1 s scene whose background is the asset (a picture, or a clip).
Manifest OneSceneWithBackground(const std::string& asset,
                                Background::Kind kind = Background::Kind::kImage);

// ref10 (../shared/reference/ref10.md): 1920x1080 canvas, 30 fps, three
// 110-frame scenes with 15-frame crossfades, a 440 Hz tone, no narration.
Manifest Ref10Manifest();

Layer TextLayerAt(const std::string& text, double size_px, double baseline_y);

// Writes `path` with the ffmpeg command line (`args` between `-y` and the
// output path: inputs, filters, codec), so tests make their own pictures,
// clips and sounds; a .png, .jpg or .webp gets one frame. Fails the calling
// test with ffmpeg's message.
void MakeMedia(const std::string& path, const std::vector<std::string>& args);

// An ffmpeg filter source of one colour, `w`x`h`, as `-f lavfi -i` arguments
// (a still picture unless `seconds` is given).
std::vector<std::string> ColorSource(const std::string& hex, int w, int h, double seconds = 0);

}  // namespace aiprod::testing
