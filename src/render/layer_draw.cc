#include "render/layer_draw.h"

#include <algorithm>
#include <cmath>

#include "render/cairo_handles.h"
#include "render/timeline.h"

namespace aiprod {
namespace {

using Prop = Animation::Property;

PixelRect Enclosing(double x0, double y0, double x1, double y1) {
  return {static_cast<int>(std::floor(x0)), static_cast<int>(std::floor(y0)),
          static_cast<int>(std::ceil(x1)), static_cast<int>(std::ceil(y1))};
}

}  // namespace

LayerPlacement PlaceLayer(const LayerPlan& lp, const TextRaster* raster, const CanvasMapping& m,
                          double t, double dur) {
  const Layer& layer = *lp.layer;
  const auto& anims = layer.animations;
  const bool is_rect = layer.kind == Layer::Kind::kRect;
  const double anchor_x = is_rect ? layer.rect.box.x : lp.text->anchor_x;
  const double anchor_y = is_rect ? layer.rect.box.y : lp.text->anchor_y;
  LayerPlacement p;
  const double x = AnimatedValue(anims, Prop::kX, anchor_x, t, dur);
  const double y = AnimatedValue(anims, Prop::kY, anchor_y, t, dur);
  const double opacity = std::clamp(AnimatedValue(anims, Prop::kOpacity, 1.0, t, dur), 0.0, 1.0);
  p.scale = std::max(0.0, AnimatedValue(anims, Prop::kScale, 1.0, t, dur));
  if (is_rect) {
    const RectLayer& rect = layer.rect;
    p.alpha = opacity * rect.color.a / 255.0;
    const double w = rect.box.w * p.scale, h = rect.box.h * p.scale;
    const double cx = x + (rect.box.w - w) / 2, cy = y + (rect.box.h - h) / 2;
    // Whole output pixels: the left/top edge snaps down, the size rounds.
    p.x = SnapFloor(m.X(cx));
    p.y = SnapFloor(m.Y(cy));
    p.w = std::round(m.Len(w));
    p.h = std::round(m.Len(h));
    p.bounds = Enclosing(p.x, p.y, p.x + p.w, p.y + p.h);
  } else {
    if (raster == nullptr || raster->width == 0) return p;
    p.alpha = opacity;
    // The raster was drawn at the anchor; animations move it by whole pixels.
    p.x = raster->x + SnapFloor(m.Len(x - anchor_x));
    p.y = raster->y + SnapFloor(m.Len(y - anchor_y));
    p.w = raster->width;
    p.h = raster->height;
    const double cx = p.x + p.w / 2, cy = p.y + p.h / 2;
    const double hw = p.w * p.scale / 2 + (p.scale != 1.0 ? 1 : 0);
    const double hh = p.h * p.scale / 2 + (p.scale != 1.0 ? 1 : 0);
    p.bounds = Enclosing(cx - hw, cy - hh, cx + hw, cy + hh);
  }
  p.visible = p.alpha > 0 && p.scale > 0 && !p.bounds.Empty();
  if (!p.visible) p.bounds = {};
  return p;
}

void DrawLayer(cairo_t* cr, const LayerPlan& lp, const TextRaster* raster,
               const LayerPlacement& p) {
  if (!p.visible) return;
  if (lp.layer->kind == Layer::Kind::kRect) {
    const Color& c = lp.layer->rect.color;
    cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, p.alpha);
    cairo_rectangle(cr, p.x, p.y, p.w, p.h);
    cairo_fill(cr);
    return;
  }
  // A per-call surface over the shared pixels, read only: threads never share
  // a cairo object.
  gfx::SurfacePtr src(cairo_image_surface_create_for_data(
      reinterpret_cast<unsigned char*>(const_cast<uint32_t*>(raster->pixels.data())),
      CAIRO_FORMAT_ARGB32, raster->width, raster->height, raster->stride));
  cairo_save(cr);
  if (p.scale == 1.0) {
    cairo_set_source_surface(cr, src.get(), p.x, p.y);
  } else {
    cairo_translate(cr, p.x + p.w / 2, p.y + p.h / 2);
    cairo_scale(cr, p.scale, p.scale);
    cairo_set_source_surface(cr, src.get(), -p.w / 2, -p.h / 2);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  }
  if (p.alpha >= 1.0) {
    cairo_paint(cr);
  } else {
    cairo_paint_with_alpha(cr, p.alpha);
  }
  cairo_restore(cr);
}

}  // namespace aiprod
