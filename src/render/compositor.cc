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

// Black outside the canvas rectangle; the background inside (for pictures
// and clips, their `color`, which shows around a fitted one). Gradients run
// from the first to the last pixel row/column of the canvas, in sRGB values.
void FillBackground(std::vector<uint32_t>& px, int stride_px, const Background& bg,
                    const CanvasMapping& m) {
  std::fill(px.begin(), px.end(), Pack(0, 0, 0));
  const int w = m.x1 - m.x0, h = m.y1 - m.y0;
  std::vector<uint32_t> row(static_cast<size_t>(w));
  auto put_row = [&](int y) {
    std::copy(row.begin(), row.end(), px.begin() + static_cast<ptrdiff_t>(y) * stride_px + m.x0);
  };
  if (bg.kind != Background::Kind::kLinear) {
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

Status CairoOk(cairo_t* cr) {
  if (cairo_status(cr) == CAIRO_STATUS_SUCCESS) return {};
  return Fail(ErrorCode::kInternal,
              std::string("cairo: ") + cairo_status_to_string(cairo_status(cr)));
}

// The picture of `img` decoded at the size it is drawn, times its largest
// animated scale (capped at twice the output size).
Result<ArgbImage> DecodePicture(const ImagePlan& img, const CanvasMapping& m) {
  double x, y, w, h;
  FitPicture(img.info, img.fit, 0, 0, m.Len(img.box.w), m.Len(img.box.h), x, y, w, h);
  const double cap = 2.0 * std::max(m.out_width, m.out_height);
  const double s = std::min(img.max_scale, cap / std::max(1.0, std::max(w, h)));
  const int pw = std::clamp(static_cast<int>(std::lround(w * s)), 1, 16384);
  const int ph = std::clamp(static_cast<int>(std::lround(h * s)), 1, 16384);
  return DecodeImage(img.path, img.field, pw, ph);
}

// The background picture drawn over the canvas rectangle.
Status DrawBackgroundPicture(cairo_t* cr, const ImagePlan& img, const CanvasMapping& m) {
  AIPROD_ASSIGN(ArgbImage pic, DecodePicture(img, m));
  double x, y, w, h;
  FitPicture(img.info, img.fit, m.x0, m.y0, m.x1 - m.x0, m.y1 - m.y0, x, y, w, h);
  gfx::SurfacePtr src(
      cairo_image_surface_create_for_data(reinterpret_cast<unsigned char*>(pic.pixels.data()),
                                          CAIRO_FORMAT_ARGB32, pic.width, pic.height, pic.stride));
  cairo_save(cr);
  cairo_rectangle(cr, x, y, w, h);
  cairo_clip(cr);
  cairo_translate(cr, x, y);
  cairo_scale(cr, w / pic.width, h / pic.height);
  cairo_set_source_surface(cr, src.get(), 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
  cairo_paint(cr);
  cairo_restore(cr);
  return CairoOk(cr);
}

}  // namespace

PreparedScene::PreparedScene(Passkey, const ScenePlan& plan, const CanvasMapping& map)
    : plan_(&plan), map_(&map), rasters_(plan.layers.size()), pictures_(plan.layers.size()) {}

Result<std::unique_ptr<const PreparedScene>> PreparedScene::Build(const ScenePlan& plan,
                                                                  const CanvasMapping& map) {
  auto s = std::make_unique<PreparedScene>(Passkey{}, plan, map);
  for (size_t j = 0; j < plan.layers.size(); ++j) {
    const LayerPlan& lp = plan.layers[j];
    if (lp.text) {
      AIPROD_ASSIGN(s->rasters_[j], RasterizeText(*lp.text));
    } else if (lp.image) {
      AIPROD_ASSIGN(s->pictures_[j], DecodePicture(*lp.image, map));
    }
  }
  // The whole frame in ARGB, only while building.
  std::vector<uint32_t> full(static_cast<size_t>(map.out_width) * map.out_height);
  if (plan.clip) {
    AIPROD_TRY(s->BuildVideoOverlay(full));
  } else {
    AIPROD_TRY(s->BuildStill(full));
  }

  // Everything the per-frame layers can touch during the scene.
  const double dur = plan.scene->duration_s;
  PixelRect reach;
  for (int64_t k = 0; k < plan.frames; ++k) {
    const double t = static_cast<double>(k) / plan.fps;
    for (size_t j = plan.baked; j < plan.layers.size(); ++j) {
      reach = reach.Union(PlaceLayer(plan.layers[j], &s->rasters_[j], map, t, dur).bounds);
    }
  }
  s->region_ = reach.Intersect(map.Canvas()).AlignedToEven().Intersect(map.Output());
  if (!plan.clip) {
    const PixelRect& r = s->region_;
    s->region_argb_.resize(static_cast<size_t>(r.Width()) * r.Height());
    for (int y = r.y0; y < r.y1; ++y) {
      std::memcpy(s->region_argb_.data() + static_cast<size_t>(y - r.y0) * r.Width(),
                  full.data() + static_cast<size_t>(y) * map.out_width + r.x0,
                  r.Width() * sizeof(uint32_t));
    }
  }
  return std::unique_ptr<const PreparedScene>(std::move(s));
}

Status PreparedScene::BuildStill(std::vector<uint32_t>& full) {
  const CanvasMapping& map = *map_;
  const int w = map.out_width, h = map.out_height;
  const double dur = plan_->scene->duration_s;
  FillBackground(full, w, plan_->scene->background, map);
  gfx::SurfacePtr surface(cairo_image_surface_create_for_data(
      reinterpret_cast<unsigned char*>(full.data()), CAIRO_FORMAT_ARGB32, w, h, w * 4));
  gfx::CairoPtr cr = RegionCairo(surface.get(), map.Output(), map);
  if (plan_->background_image)
    AIPROD_TRY(DrawBackgroundPicture(cr.get(), *plan_->background_image, map));
  for (size_t j = 0; j < plan_->baked; ++j) {
    const LayerPlan& lp = plan_->layers[j];
    DrawLayer(cr.get(), lp, &rasters_[j], &pictures_[j],
              PlaceLayer(lp, &rasters_[j], map, 0.0, dur));
    rasters_[j] = {};  // baked in; no longer needed
    pictures_[j] = {};
  }
  cairo_surface_flush(surface.get());
  AIPROD_TRY(CairoOk(cr.get()));
  base_ = Yuv420Image(w, h);
  ArgbToYuv420(reinterpret_cast<const uint8_t*>(full.data()), w * 4, w, h, base_.planes());
  return {};
}

Status PreparedScene::BuildVideoOverlay(std::vector<uint32_t>& full) {
  const CanvasMapping& map = *map_;
  const int w = map.out_width, h = map.out_height;
  const double dur = plan_->scene->duration_s;
  std::fill(full.begin(), full.end(), 0u);
  PixelRect used;
  {
    gfx::SurfacePtr surface(cairo_image_surface_create_for_data(
        reinterpret_cast<unsigned char*>(full.data()), CAIRO_FORMAT_ARGB32, w, h, w * 4));
    gfx::CairoPtr cr = RegionCairo(surface.get(), map.Output(), map);
    for (size_t j = 0; j < plan_->baked; ++j) {
      const LayerPlan& lp = plan_->layers[j];
      const LayerPlacement p = PlaceLayer(lp, &rasters_[j], map, 0.0, dur);
      used = used.Union(p.bounds);
      DrawLayer(cr.get(), lp, &rasters_[j], &pictures_[j], p);
      rasters_[j] = {};
      pictures_[j] = {};
    }
    cairo_surface_flush(surface.get());
    AIPROD_TRY(CairoOk(cr.get()));
  }
  overlay_rect_ = used.Intersect(map.Canvas()).AlignedToEven().Intersect(map.Output());
  const PixelRect& r = overlay_rect_;
  overlay_.resize(static_cast<size_t>(r.Width()) * r.Height());
  for (int y = r.y0; y < r.y1; ++y) {
    std::memcpy(overlay_.data() + static_cast<size_t>(y - r.y0) * r.Width(),
                full.data() + static_cast<size_t>(y) * w + r.x0, r.Width() * sizeof(uint32_t));
  }
  return {};
}

PixelRect PreparedScene::PlaceAnimated(double t, std::vector<LayerPlacement>& placed) const {
  const CanvasMapping& m = *map_;
  placed.assign(plan_->layers.size(), LayerPlacement{});
  PixelRect dirty;
  for (size_t j = plan_->baked; j < plan_->layers.size(); ++j) {
    placed[j] = PlaceLayer(plan_->layers[j], &rasters_[j], m, t, plan_->scene->duration_s);
    dirty = dirty.Union(placed[j].bounds);
  }
  return dirty.Intersect(m.Canvas()).AlignedToEven().Intersect(region_);
}

Status PreparedScene::DrawAnimated(DrawScratch& scratch, const PixelRect& dirty,
                                   const std::vector<LayerPlacement>& placed) const {
  const int dw = dirty.Width(), dh = dirty.Height();
  auto* bytes = reinterpret_cast<unsigned char*>(scratch.argb.data());
  gfx::SurfacePtr surface(
      cairo_image_surface_create_for_data(bytes, CAIRO_FORMAT_ARGB32, dw, dh, dw * 4));
  gfx::CairoPtr cr = RegionCairo(surface.get(), dirty, *map_);
  for (size_t j = plan_->baked; j < plan_->layers.size(); ++j) {
    const LayerPlan& lp = plan_->layers[j];
    const TextRaster* raster = &rasters_[j];
    if (lp.text && placed[j].visible && placed[j].reveal < 1.0) {
      const auto count = static_cast<int64_t>(
          std::floor(placed[j].reveal * static_cast<double>(TextCharCount(*lp.text)) + 1e-9));
      AIPROD_ASSIGN(scratch.revealed, RasterizeText(*lp.text, count));
      raster = &scratch.revealed;
    }
    DrawLayer(cr.get(), lp, raster, &pictures_[j], placed[j]);
  }
  cairo_surface_flush(surface.get());
  return CairoOk(cr.get());
}

Status PreparedScene::Draw(const Yuv420Planes& out, DrawScratch& scratch, int64_t k) const {
  if (plan_->clip) return DrawVideoFrame(out, scratch, k);
  const CanvasMapping& m = *map_;
  CopyYuv420(base_.view(), out, m.out_width, m.out_height);
  if (region_.Empty()) return {};
  const double t = static_cast<double>(k) / plan_->fps;
  std::vector<LayerPlacement> placed;
  const PixelRect dirty = PlaceAnimated(t, placed);
  if (dirty.Empty()) return {};

  const int dw = dirty.Width(), dh = dirty.Height();
  scratch.argb.resize(static_cast<size_t>(dw) * dh);
  for (int y = 0; y < dh; ++y) {
    const size_t src = static_cast<size_t>(dirty.y0 - region_.y0 + y) * region_.Width() +
                       static_cast<size_t>(dirty.x0 - region_.x0);
    std::memcpy(scratch.argb.data() + static_cast<size_t>(y) * dw, region_argb_.data() + src,
                dw * sizeof(uint32_t));
  }
  AIPROD_TRY(DrawAnimated(scratch, dirty, placed));
  ArgbToYuv420(reinterpret_cast<const uint8_t*>(scratch.argb.data()), dw * 4, dw, dh,
               Offset(out, dirty.x0, dirty.y0));
  return {};
}

Status PreparedScene::DrawVideoFrame(const Yuv420Planes& out, DrawScratch& scratch,
                                     int64_t k) const {
  const CanvasMapping& m = *map_;
  const double t = static_cast<double>(k) / plan_->fps;
  auto& reader = scratch.clips[plan_->index];
  const PixelRect canvas = m.Canvas();
  // The clip covers whole chroma samples inside the canvas.
  const PixelRect dest{canvas.x0 + (canvas.x0 & 1), canvas.y0 + (canvas.y0 & 1), canvas.x1 & ~1,
                       canvas.y1 & ~1};
  if (!reader) {
    ClipPlacement place;
    place.dest = dest;
    place.fit = plan_->scene->background.fit;
    place.fill = plan_->scene->background.color;
    place.start_s = plan_->scene->background.clip_start_s;
    place.loop = plan_->scene->background.loop;
    place.duration_s = plan_->clip->info.duration_s;
    AIPROD_ASSIGN(reader, ClipReader::Open(plan_->clip->path, plan_->clip->field, place));
  }
  if (dest.x0 > 0 || dest.y0 > 0 || dest.x1 < m.out_width || dest.y1 < m.out_height) {
    // Letterbox bands: black.
    std::memset(out.y, 16, static_cast<size_t>(out.y_stride) * m.out_height);
    std::memset(out.u, 128, static_cast<size_t>(out.u_stride) * (m.out_height / 2));
    std::memset(out.v, 128, static_cast<size_t>(out.v_stride) * (m.out_height / 2));
  }
  AIPROD_TRY(reader->Draw(t, out));
  if (!overlay_rect_.Empty()) {
    BlendArgbOverYuv420(reinterpret_cast<const uint8_t*>(overlay_.data()),
                        overlay_rect_.Width() * 4, overlay_rect_.Width(), overlay_rect_.Height(),
                        Offset(out, overlay_rect_.x0, overlay_rect_.y0));
  }
  if (region_.Empty()) return {};
  std::vector<LayerPlacement> placed;
  const PixelRect dirty = PlaceAnimated(t, placed);
  if (dirty.Empty()) return {};
  scratch.argb.assign(static_cast<size_t>(dirty.Width()) * dirty.Height(), 0u);
  AIPROD_TRY(DrawAnimated(scratch, dirty, placed));
  BlendArgbOverYuv420(reinterpret_cast<const uint8_t*>(scratch.argb.data()), dirty.Width() * 4,
                      dirty.Width(), dirty.Height(), Offset(out, dirty.x0, dirty.y0));
  return {};
}

}  // namespace aiprod
