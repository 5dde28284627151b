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

void PlaceImage(const ImagePlan& img, double x, double y, const CanvasMapping& m,
                LayerPlacement& p) {
  const Box& b = img.box;
  const double w = b.w * p.scale, h = b.h * p.scale;
  const double cx = x + (b.w - w) / 2, cy = y + (b.h - h) / 2;
  if (p.scale == 1.0) {  // whole pixels: a still picture stays sharp
    p.clip_x = SnapFloor(m.X(cx)), p.clip_y = SnapFloor(m.Y(cy));
    p.clip_w = std::round(m.Len(w)), p.clip_h = std::round(m.Len(h));
  } else {
    p.clip_x = m.X(cx), p.clip_y = m.Y(cy), p.clip_w = m.Len(w), p.clip_h = m.Len(h);
  }
  FitPicture(img.info, img.fit, p.clip_x, p.clip_y, p.clip_w, p.clip_h, p.x, p.y, p.w, p.h);
  if (p.scale == 1.0) {
    p.x = std::round(p.x), p.y = std::round(p.y), p.w = std::round(p.w), p.h = std::round(p.h);
  }
  const double x0 = std::max(p.x, p.clip_x), y0 = std::max(p.y, p.clip_y);
  const double x1 = std::min(p.x + p.w, p.clip_x + p.clip_w);
  const double y1 = std::min(p.y + p.h, p.clip_y + p.clip_h);
  p.bounds = x1 > x0 && y1 > y0 ? Enclosing(x0, y0, x1, y1) : PixelRect{};
}

}  // namespace

void FitPicture(const ImageInfo& info, ImageFit fit, double bx, double by, double bw, double bh,
                double& x, double& y, double& w, double& h) {
  const double iw = std::max(1, info.width), ih = std::max(1, info.height);
  double s = 1;
  switch (fit) {
    case ImageFit::kFill:
      x = bx, y = by, w = bw, h = bh;
      return;
    case ImageFit::kFit:
      s = std::min(bw / iw, bh / ih);
      break;
    case ImageFit::kCrop:
      s = std::max(bw / iw, bh / ih);
      break;
  }
  w = iw * s, h = ih * s;
  x = bx + (bw - w) / 2, y = by + (bh - h) / 2;
}

LayerPlacement PlaceLayer(const LayerPlan& lp, const TextRaster* raster, const CanvasMapping& m,
                          double t, double dur) {
  const Layer& layer = *lp.layer;
  const auto& anims = layer.animations;
  double anchor_x = 0, anchor_y = 0;
  switch (layer.kind) {
    case Layer::Kind::kRect:
      anchor_x = layer.rect.box.x, anchor_y = layer.rect.box.y;
      break;
    case Layer::Kind::kText:
      anchor_x = lp.text->anchor_x, anchor_y = lp.text->anchor_y;
      break;
    case Layer::Kind::kImage:
    case Layer::Kind::kLogo:
      anchor_x = lp.image->box.x, anchor_y = lp.image->box.y;
      break;
  }
  LayerPlacement p;
  const double x = AnimatedValue(anims, Prop::kX, anchor_x, t, dur);
  const double y = AnimatedValue(anims, Prop::kY, anchor_y, t, dur);
  const double opacity = std::clamp(AnimatedValue(anims, Prop::kOpacity, 1.0, t, dur), 0.0, 1.0);
  p.scale = std::max(0.0, AnimatedValue(anims, Prop::kScale, 1.0, t, dur));
  p.reveal = std::clamp(AnimatedValue(anims, Prop::kReveal, 1.0, t, dur), 0.0, 1.0);
  if (layer.kind == Layer::Kind::kRect) {
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
  } else if (layer.kind == Layer::Kind::kText) {
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
    if (p.reveal <= 0) p.bounds = {};
  } else {
    p.alpha = opacity;
    PlaceImage(*lp.image, x, y, m, p);
  }
  p.visible = p.alpha > 0 && p.scale > 0 && !p.bounds.Empty();
  if (!p.visible) p.bounds = {};
  return p;
}

void DrawLayer(cairo_t* cr, const LayerPlan& lp, const TextRaster* raster, const ArgbImage* picture,
               const LayerPlacement& p) {
  if (!p.visible) return;
  if (lp.layer->kind == Layer::Kind::kRect) {
    const Color& c = lp.layer->rect.color;
    cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, p.alpha);
    cairo_rectangle(cr, p.x, p.y, p.w, p.h);
    cairo_fill(cr);
    return;
  }
  cairo_save(cr);
  if (lp.layer->kind == Layer::Kind::kText) {
    // A per-call surface over the shared pixels, read only: threads never
    // share a cairo object.
    gfx::SurfacePtr src(cairo_image_surface_create_for_data(
        reinterpret_cast<unsigned char*>(const_cast<uint32_t*>(raster->pixels.data())),
        CAIRO_FORMAT_ARGB32, raster->width, raster->height, raster->stride));
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
    return;
  }
  if (picture == nullptr || picture->width == 0) {
    cairo_restore(cr);
    return;
  }
  gfx::SurfacePtr src(cairo_image_surface_create_for_data(
      reinterpret_cast<unsigned char*>(const_cast<uint32_t*>(picture->pixels.data())),
      CAIRO_FORMAT_ARGB32, picture->width, picture->height, picture->stride));
  cairo_rectangle(cr, p.clip_x, p.clip_y, p.clip_w, p.clip_h);
  cairo_clip(cr);
  cairo_rectangle(cr, p.x, p.y, p.w, p.h);  // padding never shows around a fitted picture
  cairo_clip(cr);
  const bool exact = p.w == picture->width && p.h == picture->height && p.x == std::floor(p.x) &&
                     p.y == std::floor(p.y);
  if (exact) {
    cairo_set_source_surface(cr, src.get(), p.x, p.y);
  } else {
    cairo_translate(cr, p.x, p.y);
    cairo_scale(cr, p.w / picture->width, p.h / picture->height);
    cairo_set_source_surface(cr, src.get(), 0, 0);
    // Moving pictures (Ken Burns) redraw every frame: bilinear keeps that cheap.
    cairo_pattern_set_filter(cairo_get_source(cr),
                             p.scale == 1.0 ? CAIRO_FILTER_GOOD : CAIRO_FILTER_BILINEAR);
    cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
  }
  if (p.alpha >= 1.0) {
    cairo_paint(cr);
  } else {
    cairo_paint_with_alpha(cr, p.alpha);
  }
  cairo_restore(cr);
}

}  // namespace aiprod
