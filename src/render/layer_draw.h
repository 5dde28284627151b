// One layer at one moment: where its animated state puts it (in output
// pixels) and drawing it with Cairo. Pure functions; thread-safe as long as
// each thread draws into its own cairo_t.
#pragma once

#include <cairo.h>

#include "render/geometry.h"
#include "render/scene_plan.h"
#include "render/text_layout.h"

namespace aiprod {

struct LayerPlacement {
  bool visible = false;
  double alpha = 1;  // opacity times the colour's alpha (rects)
  double scale = 1;
  // Rects: the filled rectangle. Text: the raster's top-left and size.
  double x = 0, y = 0, w = 0, h = 0;
  PixelRect bounds;  // every pixel the layer may touch
};

// `raster` is the layer's text raster (ignored for rects); `t_s` is
// scene-local time. Positions snap to whole pixels (floor), sizes round.
LayerPlacement PlaceLayer(const LayerPlan& layer, const TextRaster* raster,
                          const CanvasMapping& map, double t_s, double scene_duration_s);

// Draws a placed layer; `cr` may carry a translation (drawing into a region).
void DrawLayer(cairo_t* cr, const LayerPlan& layer, const TextRaster* raster,
               const LayerPlacement& placement);

}  // namespace aiprod
