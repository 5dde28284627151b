#include "render/compositor.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "render/cairo_handles.h"
#include "render/layer_draw.h"

namespace aiprod {
namespace {

uint32_t Pack(int r, int g, int b) {
  return 0xff000000u | (static_cast<uint32_t>(r) << 16) | (static_cast<uint32_t>(g) << 8) |
         static_cast<uint32_t>(b);
}

// Backgrounds are opaque: a translucent colour is composited over black.
uint32_t Opaque(const Color& c) {
  auto ch = [&](uint8_t v) { return (v * c.a + 127) / 255; };
  return Pack(ch(c.r), ch(c.g), ch(c.b));
}

uint32_t Lerp(const Color& from, const Color& to, double t) {
  auto ch = [&](uint8_t a, uint8_t b) {
    return static_cast<uint8_t>(std::lround(a + (static_cast<double>(b) - a) * t));
  };
  return Opaque(Color{ch(from.r, to.r), ch(from.g, to.g), ch(from.b, to.b), ch(from.a, to.a)});
}

// Black outside the canvas rectangle; the background inside. Gradients run
// from the first to the last pixel row/column of the canvas, in sRGB values.
void FillBackground(std::vector<uint32_t>& px, int stride_px, const Background& bg,
                    const CanvasMapping& m) {
  std::fill(px.begin(), px.end(), Pack(0, 0, 0));
  const int w = m.x1 - m.x0, h = m.y1 - m.y0;
  std::vector<uint32_t> row(static_cast<size_t>(w));
  auto put_row = [&](int y) {
    std::copy(row.begin(), row.end(), px.begin() + static_cast<ptrdiff_t>(y) * stride_px + m.x0);
  };
  if (bg.kind == Background::Kind::kSolid) {
    std::fill(row.begin(), row.end(), Opaque(bg.color));
    for (int y = m.y0; y < m.y1; ++y) put_row(y);
  } else if (bg.direction == Background::Direction::kToRight) {
    for (int x = 0; x < w; ++x) row[x] = Lerp(bg.from, bg.to, w > 1 ? double(x) / (w - 1) : 0.0);
    for (int y = m.y0; y < m.y1; ++y) put_row(y);
  } else {
    for (int y = m.y0; y < m.y1; ++y) {
      std::fill(row.begin(), row.end(),
                Lerp(bg.from, bg.to, h > 1 ? double(y - m.y0) / (h - 1) : 0.0));
      put_row(y);
    }
  }
}

// Pointers into `planes` at the even pixel (x, y).
Yuv420Planes Offset(const Yuv420Planes& p, int x, int y) {
  return {p.y + static_cast<ptrdiff_t>(y) * p.y_stride + x,
          p.u + static_cast<ptrdiff_t>(y / 2) * p.u_stride + x / 2,
          p.v + static_cast<ptrdiff_t>(y / 2) * p.v_stride + x / 2,
          p.y_stride,
          p.u_stride,
          p.v_stride};
}

gfx::CairoPtr RegionCairo(cairo_surface_t* surface, const PixelRect& region,
                          const CanvasMapping& m) {
  gfx::CairoPtr cr(cairo_create(surface));
  cairo_translate(cr.get(), -region.x0, -region.y0);
  cairo_rectangle(cr.get(), m.x0, m.y0, m.x1 - m.x0, m.y1 - m.y0);
  cairo_clip(cr.get());
  return cr;
}

}  // namespace

PreparedScene::PreparedScene(Passkey, const ScenePlan& plan, const CanvasMapping& map)
    : plan_(&plan), map_(&map), rasters_(plan.layers.size()) {}

Result<std::unique_ptr<const PreparedScene>> PreparedScene::Build(const ScenePlan& plan,
                                                                  const CanvasMapping& map) {
  auto s = std::make_unique<PreparedScene>(Passkey{}, plan, map);
  const int w = map.out_width, h = map.out_height;
  const double dur = plan.scene->duration_s;
  for (size_t j = 0; j < plan.layers.size(); ++j) {
    if (plan.layers[j].text) {
      AIPROD_ASSIGN(s->rasters_[j], RasterizeText(*plan.layers[j].text));
    }
  }

  // The whole frame in ARGB, only while building.
  std::vector<uint32_t> full(static_cast<size_t>(w) * h);
  FillBackground(full, w, plan.scene->background, map);
  {
    gfx::SurfacePtr surface(cairo_image_surface_create_for_data(
        reinterpret_cast<unsigned char*>(full.data()), CAIRO_FORMAT_ARGB32, w, h, w * 4));
    gfx::CairoPtr cr = RegionCairo(surface.get(), map.Output(), map);
    for (size_t j = 0; j < plan.baked; ++j) {
      const TextRaster* r = &s->rasters_[j];
      DrawLayer(cr.get(), plan.layers[j], r, PlaceLayer(plan.layers[j], r, map, 0.0, dur));
      s->rasters_[j] = {};  // baked in; no longer needed
    }
    cairo_surface_flush(surface.get());
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
      return Fail(ErrorCode::kInternal,
                  std::string("cairo: ") + cairo_status_to_string(cairo_status(cr.get())));
    }
  }
  s->base_ = Yuv420Image(w, h);
  ArgbToYuv420(reinterpret_cast<const uint8_t*>(full.data()), w * 4, w, h, s->base_.planes());

  // Everything the per-frame layers can touch during the scene.
  PixelRect reach;
  for (int64_t k = 0; k < plan.frames; ++k) {
    const double t = static_cast<double>(k) / plan.fps;
    for (size_t j = plan.baked; j < plan.layers.size(); ++j) {
      reach = reach.Union(PlaceLayer(plan.layers[j], &s->rasters_[j], map, t, dur).bounds);
    }
  }
  s->region_ = reach.Intersect(map.Canvas()).AlignedToEven().Intersect(map.Output());
  const PixelRect& r = s->region_;
  s->region_argb_.resize(static_cast<size_t>(r.Width()) * r.Height());
  for (int y = r.y0; y < r.y1; ++y) {
    std::memcpy(s->region_argb_.data() + static_cast<size_t>(y - r.y0) * r.Width(),
                full.data() + static_cast<size_t>(y) * w + r.x0, r.Width() * sizeof(uint32_t));
  }
  return std::unique_ptr<const PreparedScene>(std::move(s));
}

void PreparedScene::Draw(const Yuv420Planes& out, DrawScratch& scratch, int64_t k) const {
  const CanvasMapping& m = *map_;
  CopyYuv420(base_.view(), out, m.out_width, m.out_height);
  if (region_.Empty()) return;
  const double t = static_cast<double>(k) / plan_->fps;
  const double dur = plan_->scene->duration_s;
  std::vector<LayerPlacement> placed(plan_->layers.size());
  PixelRect dirty;
  for (size_t j = plan_->baked; j < plan_->layers.size(); ++j) {
    placed[j] = PlaceLayer(plan_->layers[j], &rasters_[j], m, t, dur);
    dirty = dirty.Union(placed[j].bounds);
  }
  dirty = dirty.Intersect(m.Canvas()).AlignedToEven().Intersect(region_);
  if (dirty.Empty()) return;

  const int dw = dirty.Width(), dh = dirty.Height();
  scratch.argb.resize(static_cast<size_t>(dw) * dh);
  for (int y = 0; y < dh; ++y) {
    const size_t src = static_cast<size_t>(dirty.y0 - region_.y0 + y) * region_.Width() +
                       static_cast<size_t>(dirty.x0 - region_.x0);
    std::memcpy(scratch.argb.data() + static_cast<size_t>(y) * dw, region_argb_.data() + src,
                dw * sizeof(uint32_t));
  }
  auto* bytes = reinterpret_cast<unsigned char*>(scratch.argb.data());
  {
    gfx::SurfacePtr surface(
        cairo_image_surface_create_for_data(bytes, CAIRO_FORMAT_ARGB32, dw, dh, dw * 4));
    gfx::CairoPtr cr = RegionCairo(surface.get(), dirty, m);
    for (size_t j = plan_->baked; j < plan_->layers.size(); ++j) {
      DrawLayer(cr.get(), plan_->layers[j], &rasters_[j], placed[j]);
    }
    cairo_surface_flush(surface.get());
  }
  ArgbToYuv420(bytes, dw * 4, dw, dh, Offset(out, dirty.x0, dirty.y0));
}

}  // namespace aiprod
