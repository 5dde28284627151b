// One layer at one moment: where its animated state puts it (in output
// pixels) and drawing it with Cairo. Pure functions; thread-safe as long as
// each thread draws into its own cairo_t.
#pragma once

#include <cairo.h>

#include "render/geometry.h"
#include "render/image_decode.h"
#include "render/scene_plan.h"
#include "render/text_layout.h"

namespace aiprod {

struct LayerPlacement {
  bool visible = false;
  double alpha = 1;  // opacity times the colour's alpha (rects)
  double scale = 1;
  // Rects: the filled rectangle. Text: the raster's top-left and size.
  // Images: the picture's rectangle (fitted in its box, scaled).
  double x = 0, y = 0, w = 0, h = 0;
  // Images: the box, scaled (the picture is clipped to it for kCrop).
  double clip_x = 0, clip_y = 0, clip_w = 0, clip_h = 0;
  double reveal = 1;  // text: fraction of characters shown
  PixelRect bounds;   // every pixel the layer may touch
};

// The picture's rectangle (output px) inside box b (output px) for `fit`.
void FitPicture(const ImageInfo& info, ImageFit fit, double bx, double by, double bw, double bh,
                double& x, double& y, double& w, double& h);

// `raster` is the layer's text raster (text layers only); `t_s` is
// scene-local time. Positions snap to whole pixels (floor), sizes round.
LayerPlacement PlaceLayer(const LayerPlan& layer, const TextRaster* raster,
                          const CanvasMapping& map, double t_s, double scene_duration_s);

// Draws a placed layer; `cr` may carry a translation (drawing into a region).
// `raster` is the text raster to show (text layers) and `picture` the
// decoded picture (image and logo layers).
void DrawLayer(cairo_t* cr, const LayerPlan& layer, const TextRaster* raster,
               const ArgbImage* picture, const LayerPlacement& placement);

}  // namespace aiprod
