// Text layers with Pango: resolving where and how big a layer's text is
// (PlanText), and rasterising it once (RasterizeText).
//
// Placement modes, in canvas units, scaled to output pixels:
//  - `baseline_y` set: one line, baseline at baseline_y, centred on `x`
//    (default: canvas centre); align start/end put the line's start/end at x.
//  - `box` set: wrapped to the box width, centred vertically in the box, the
//    size shrunk in 5% steps (down to min_size_px, default 50%) until it fits
//    the box (outline included); below that the layer fails to plan.
//  - neither: placed by role inside the safe area (80% of the width): title
//    ends slightly above the middle, subtitle starts below it, body centred,
//    caption in the lower third, cta centred and larger; default sizes are
//    fractions of the canvas height; fitted like a box.
// Sizes are absolute pixel sizes (Pango font map resolution 72 dpi).
// Scripts are shaped by HarfBuzz through Pango (Arabic joining, RTL order,
// CJK); characters the chosen font lacks come from fallback fonts found by
// fontconfig (Noto, Noto CJK).
//
// Thread-safe: every Pango call runs under one process-wide lock, with one
// process-lifetime font map (fonts load once per process).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "model/manifest.h"
#include "render/geometry.h"

namespace aiprod {

// A text layer resolved to output pixels. Holds a pointer to the layer, which
// must outlive the plan.
struct TextPlan {
  const TextLayer* layer = nullptr;
  std::string lang;                   // Pango language (font fallback for CJK)
  bool rtl = false;                   // base direction for neutral text
  double size_px = 0;                 // output pixels, after fitting
  double wrap_width_px = 0;           // 0: a single line
  double origin_x = 0, origin_y = 0;  // output px of the layout's top-left
  double anchor_x = 0, anchor_y = 0;  // canvas units that x/y animations replace
  double ink_x0 = 0, ink_y0 = 0, ink_x1 = 0, ink_y1 = 0;  // output px
  double px_per_unit = 1;  // output px per canvas unit (outline and shadow sizes)
};

// Premultiplied ARGB32 pixels (Cairo's native-endian layout) of a text
// layer's ink, to be composited at (x, y) in output pixels.
struct TextRaster {
  int x = 0, y = 0, width = 0, height = 0, stride = 0;  // stride in bytes
  std::vector<uint32_t> pixels;
};

// `field` is the layer's path ("scenes[2].layers[0]"); errors name
// `<field>.font` (font not installed) or `<field>.text` (does not fit).
Result<TextPlan> PlanText(const TextLayer& layer, const CanvasMapping& map, const std::string& lang,
                          bool rtl, const std::string& field);

// The whole layer: shadow, outline and fill. `visible_chars` >= 0 shows only
// the first that many characters (typewriter), clipping the full layout, so
// the raster keeps its size and nothing moves.
Result<TextRaster> RasterizeText(const TextPlan& plan, int64_t visible_chars = -1);

// Characters (Unicode code points) of the layer's text.
int64_t TextCharCount(const TextPlan& plan);

// kInvalidInput naming `field` when `font` (a Pango description such as
// "DejaVu Sans Bold") names a family that is not installed. Fontconfig would
// silently substitute another family; generic families (sans-serif, serif,
// monospace) are accepted.
Status CheckFontInstalled(const std::string& font, const std::string& field);

}  // namespace aiprod
