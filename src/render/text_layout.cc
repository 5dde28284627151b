#include "render/text_layout.h"

#include <array>
#include <cmath>
#include <mutex>
#include <string_view>

#include "core/json.h"
#include "render/cairo_handles.h"

namespace aiprod {
namespace {

// Guards every Pango call and the font map.
std::mutex& PangoMutex() {
  static std::mutex mu;
  return mu;
}

// The process-wide font map; created on first use and kept for the life of
// the process (Pango caches loaded fonts in it). Call with PangoMutex held.
PangoFontMap* FontMap() {
  static PangoFontMap* map = [] {
    PangoFontMap* m = pango_cairo_font_map_new();
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(m), 72.0);  // points == pixels
    return m;
  }();
  return map;
}

gfx::GObjectPtr<PangoContext> NewContext(const std::string& lang, bool rtl) {
  gfx::GObjectPtr<PangoContext> ctx(pango_font_map_create_context(FontMap()));
  gfx::FontOptionsPtr options(cairo_font_options_create());
  // Unhinted metrics: glyph positions scale smoothly with size, so shrinking
  // to fit behaves monotonically and layout does not depend on the output size.
  cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias(options.get(), CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options(ctx.get(), options.get());
  if (!lang.empty())
    pango_context_set_language(ctx.get(), pango_language_from_string(lang.c_str()));
  pango_context_set_base_dir(ctx.get(), rtl ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
  return ctx;
}

PangoAlignment ToPango(TextAlign a) {
  switch (a) {
    case TextAlign::kStart:
      return PANGO_ALIGN_LEFT;  // with auto-dir, LEFT means the paragraph's start
    case TextAlign::kEnd:
      return PANGO_ALIGN_RIGHT;
    case TextAlign::kCenter:
      return PANGO_ALIGN_CENTER;
  }
  return PANGO_ALIGN_CENTER;
}

// A layout for `plan` with `size_px`; the context lives as long as the layout.
gfx::GObjectPtr<PangoLayout> NewLayout(const TextPlan& plan, double size_px) {
  auto ctx = NewContext(plan.lang, plan.rtl);
  gfx::GObjectPtr<PangoLayout> layout(pango_layout_new(ctx.get()));
  gfx::FontDescriptionPtr desc(pango_font_description_from_string(plan.layer->font.c_str()));
  pango_font_description_set_absolute_size(desc.get(), std::round(size_px * PANGO_SCALE));
  pango_layout_set_font_description(layout.get(), desc.get());
  pango_layout_set_text(layout.get(), plan.layer->text.c_str(),
                        static_cast<int>(plan.layer->text.size()));
  pango_layout_set_alignment(layout.get(), ToPango(plan.layer->align));
  if (plan.wrap_width_px > 0) {
    pango_layout_set_width(layout.get(), static_cast<int>(plan.wrap_width_px * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  } else {
    pango_layout_set_single_paragraph_mode(layout.get(), TRUE);
  }
  return layout;
}

struct Extents {
  PangoRectangle ink, logical;  // Pango units
};

Extents Measure(PangoLayout* layout) {
  Extents e;
  pango_layout_get_extents(layout, &e.ink, &e.logical);
  return e;
}

double Px(int pango_units) { return static_cast<double>(pango_units) / PANGO_SCALE; }

void SetInk(TextPlan& plan, const Extents& e) {
  plan.ink_x0 = plan.origin_x + Px(e.ink.x);
  plan.ink_y0 = plan.origin_y + Px(e.ink.y);
  plan.ink_x1 = plan.ink_x0 + Px(e.ink.width);
  plan.ink_y1 = plan.ink_y0 + Px(e.ink.height);
}

// Role placement: a box in fractions of the canvas, where the text sits in it
// vertically (0 top, 0.5 centre, 1 bottom) and the default size as a fraction
// of the canvas height.
struct RoleStyle {
  double x, y, w, h;
  double valign;
  double size;
};

RoleStyle StyleFor(TextRole role) {
  switch (role) {
    case TextRole::kTitle:
      return {0.1, 0.10, 0.8, 0.38, 1.0, 0.085};
    case TextRole::kSubtitle:
      return {0.1, 0.52, 0.8, 0.28, 0.0, 0.045};
    case TextRole::kBody:
      return {0.1, 0.20, 0.8, 0.60, 0.5, 0.05};
    case TextRole::kCaption:
      return {0.1, 0.67, 0.8, 0.25, 0.5, 0.04};
    case TextRole::kCta:
      return {0.1, 0.30, 0.8, 0.40, 0.5, 0.10};
  }
  return {0.1, 0.2, 0.8, 0.6, 0.5, 0.05};
}

bool IsGenericFamily(std::string_view f) {
  constexpr std::array<std::string_view, 8> kGeneric = {
      "sans", "sans-serif", "serif", "monospace", "mono", "cursive", "fantasy", "system-ui"};
  for (std::string_view g : kGeneric) {
    if (g_ascii_strncasecmp(f.data(), g.data(), g.size()) == 0 && f.size() == g.size()) return true;
  }
  return false;
}

Status CheckFontLocked(const std::string& font, const std::string& field) {
  gfx::FontDescriptionPtr desc(pango_font_description_from_string(font.c_str()));
  const char* family = pango_font_description_get_family(desc.get());
  if (family == nullptr || *family == '\0')
    return Invalid(field, "font '" + font + "' names no family");
  if (IsGenericFamily(family)) return {};
  pango_font_description_set_absolute_size(desc.get(), 16 * PANGO_SCALE);
  auto ctx = NewContext("", false);
  gfx::GObjectPtr<PangoFont> loaded(pango_font_map_load_font(FontMap(), ctx.get(), desc.get()));
  if (!loaded) return Invalid(field, "font '" + font + "' is not installed");
  gfx::FontDescriptionPtr got(pango_font_describe(loaded.get()));
  const char* got_family = pango_font_description_get_family(got.get());
  if (got_family == nullptr || g_ascii_strcasecmp(got_family, family) != 0) {
    return Invalid(field, "font '" + font + "' is not installed");
  }
  return {};
}

// Shrinks `plan` (origin, size) until the text fits a box of output pixels,
// not below `min_fraction` of the requested size.
Status FitInBox(TextPlan& plan, double requested_px, double bx, double by, double bw, double bh,
                double valign, double canvas_requested, double min_fraction,
                const std::string& field) {
  // An outline draws outside the glyphs: keep it inside the box too.
  const double outline =
      plan.layer->outline ? plan.layer->outline->width_px * plan.px_per_unit : 0.0;
  bx += outline, by += outline;
  bw = std::max(1.0, bw - 2 * outline), bh = std::max(1.0, bh - 2 * outline);
  plan.wrap_width_px = bw;
  for (int step = 0;; ++step) {
    double fraction = 1.0 - 0.05 * step;
    if (fraction < min_fraction - 1e-9) {
      if (fraction + 0.05 <= min_fraction + 1e-9) break;
      fraction = min_fraction;  // the last try is the limit itself
    }
    double size = requested_px * fraction;
    auto layout = NewLayout(plan, size);
    Extents e = Measure(layout.get());
    double height = Px(e.logical.height);
    double right = Px(std::max(e.logical.x + e.logical.width, e.ink.x + e.ink.width));
    double left = Px(std::min(e.logical.x, e.ink.x));
    if (height <= bh + 0.5 && right <= bw + 0.5 && left >= -0.5) {
      plan.size_px = size;
      plan.origin_x = bx;
      plan.origin_y = by + (bh - height) * valign - Px(e.logical.y);
      SetInk(plan, e);
      return {};
    }
  }
  return Invalid(field + ".text",
                 "does not fit its box even at " +
                     FormatNumber(std::round(canvas_requested * min_fraction * 10) / 10) + " px");
}

// Rectangles (layout coordinates, Pango units) of the first `count` characters.
void AddVisibleCharsPath(cairo_t* cr, PangoLayout* layout, const std::string& text, int64_t count,
                         double grow) {
  const char* begin = text.c_str();
  const char* p = begin;
  for (int64_t i = 0; i < count && *p != '\0'; ++i) {
    PangoRectangle r;
    pango_layout_index_to_pos(layout, static_cast<int>(p - begin), &r);
    double x0 = Px(std::min(r.x, r.x + r.width)), x1 = Px(std::max(r.x, r.x + r.width));
    cairo_rectangle(cr, x0 - grow, Px(r.y) - grow, x1 - x0 + 2 * grow, Px(r.height) + 2 * grow);
    p = g_utf8_next_char(p);
  }
}

// Three box-blur passes over premultiplied ARGB, radius `r` pixels
// (approximately a Gaussian of sigma r).
void BoxBlur(std::vector<uint32_t>& px, int w, int h, int stride_px, int r) {
  if (r <= 0) return;
  std::vector<uint32_t> tmp(px.size());
  auto pass = [&](const std::vector<uint32_t>& src, std::vector<uint32_t>& dst, bool horizontal) {
    const int lines = horizontal ? h : w, len = horizontal ? w : h;
    for (int line = 0; line < lines; ++line) {
      auto at = [&](int i) -> size_t {
        i = std::clamp(i, 0, len - 1);
        return horizontal ? static_cast<size_t>(line) * stride_px + i
                          : static_cast<size_t>(i) * stride_px + line;
      };
      int sum[4] = {0, 0, 0, 0};
      for (int i = -r; i <= r; ++i) {
        uint32_t v = (i < 0 || i >= len) ? 0 : src[at(i)];
        for (int c = 0; c < 4; ++c) sum[c] += static_cast<int>((v >> (8 * c)) & 0xff);
      }
      const int n = 2 * r + 1;
      for (int i = 0; i < len; ++i) {
        uint32_t out = 0;
        for (int c = 0; c < 4; ++c) out |= static_cast<uint32_t>(sum[c] / n) << (8 * c);
        dst[at(i)] = out;
        uint32_t add = i + r + 1 < len ? src[at(i + r + 1)] : 0;
        uint32_t sub = i - r >= 0 ? src[at(i - r)] : 0;
        for (int c = 0; c < 4; ++c) {
          sum[c] +=
              static_cast<int>((add >> (8 * c)) & 0xff) - static_cast<int>((sub >> (8 * c)) & 0xff);
        }
      }
    }
  };
  for (int k = 0; k < 3; ++k) {
    pass(px, tmp, true);
    pass(tmp, px, false);
  }
}

}  // namespace

Status CheckFontInstalled(const std::string& font, const std::string& field) {
  std::lock_guard lock(PangoMutex());
  return CheckFontLocked(font, field);
}

Result<TextPlan> PlanText(const TextLayer& layer, const CanvasMapping& map, const std::string& lang,
                          bool rtl, const std::string& field) {
  if (layer.size_px && !(*layer.size_px > 0 && *layer.size_px < 10000)) {
    return Invalid(field + ".size_px", "must be a positive size");
  }
  std::lock_guard lock(PangoMutex());
  AIPROD_TRY(CheckFontLocked(layer.font, field + ".font"));
  TextPlan plan;
  plan.layer = &layer;
  plan.lang = lang;
  plan.rtl = rtl;
  plan.px_per_unit = map.scale;
  RoleStyle role = StyleFor(layer.role);
  double canvas_size = layer.size_px.value_or(role.size * map.canvas_height);
  double size_px = map.Len(canvas_size);

  if (layer.baseline_y) {
    double cx = layer.x.value_or(map.canvas_width / 2.0);
    plan.anchor_x = cx;
    plan.anchor_y = *layer.baseline_y;
    plan.size_px = size_px;
    auto layout = NewLayout(plan, size_px);
    Extents e = Measure(layout.get());
    double width = Px(e.logical.width);
    double start = map.X(cx);
    bool line_rtl = pango_layout_get_direction(layout.get(), 0) == PANGO_DIRECTION_RTL;
    double left;
    switch (layer.align) {
      case TextAlign::kCenter:
        left = start - width / 2;
        break;
      case TextAlign::kStart:
        left = line_rtl ? start - width : start;
        break;
      case TextAlign::kEnd:
      default:
        left = line_rtl ? start : start - width;
        break;
    }
    plan.origin_x = left - Px(e.logical.x);
    plan.origin_y = map.Y(*layer.baseline_y) - Px(pango_layout_get_baseline(layout.get()));
    SetInk(plan, e);
    if (width > map.Len(map.canvas_width) + 0.5) {
      return Invalid(field + ".text", "is wider than the canvas at " + FormatNumber(canvas_size) +
                                          " px; give it a box to wrap in");
    }
    return plan;
  }

  double bx, by, bw, bh, valign;
  if (layer.box) {
    const Box& b = *layer.box;
    if (!(b.w > 0 && b.h > 0)) return Invalid(field + ".box", "needs a positive width and height");
    bx = b.x, by = b.y, bw = b.w, bh = b.h, valign = 0.5;
  } else {
    bx = role.x * map.canvas_width, by = role.y * map.canvas_height;
    bw = role.w * map.canvas_width, bh = role.h * map.canvas_height, valign = role.valign;
  }
  plan.anchor_x = bx;
  plan.anchor_y = by;
  double min_fraction = 0.5;
  if (layer.min_size_px) min_fraction = std::clamp(*layer.min_size_px / canvas_size, 0.05, 1.0);
  AIPROD_TRY(FitInBox(plan, size_px, map.X(bx), map.Y(by), map.Len(bw), map.Len(bh), valign,
                      canvas_size, min_fraction, field));
  return plan;
}

int64_t TextCharCount(const TextPlan& plan) {
  return g_utf8_strlen(plan.layer->text.c_str(), static_cast<gssize>(plan.layer->text.size()));
}

Result<TextRaster> RasterizeText(const TextPlan& plan, int64_t visible_chars) {
  TextRaster r;
  if (plan.layer->text.empty() || plan.ink_x1 <= plan.ink_x0 || plan.ink_y1 <= plan.ink_y0)
    return r;
  const TextLayer& layer = *plan.layer;
  const double outline = layer.outline ? layer.outline->width_px * plan.px_per_unit : 0.0;
  double sdx = 0, sdy = 0, blur = 0;
  if (layer.shadow) {
    sdx = layer.shadow->dx * plan.px_per_unit;
    sdy = layer.shadow->dy * plan.px_per_unit;
    blur = layer.shadow->blur_px * plan.px_per_unit;
  }
  // The ink, grown by the outline, plus the shadow's copy of it; one pixel
  // of margin for antialiasing.
  const double gx0 = plan.ink_x0 - outline, gy0 = plan.ink_y0 - outline;
  const double gx1 = plan.ink_x1 + outline, gy1 = plan.ink_y1 + outline;
  const double spread = std::ceil(blur * 1.5);
  double x0 = gx0, y0 = gy0, x1 = gx1, y1 = gy1;
  if (layer.shadow) {
    x0 = std::min(x0, gx0 + sdx - spread), y0 = std::min(y0, gy0 + sdy - spread);
    x1 = std::max(x1, gx1 + sdx + spread), y1 = std::max(y1, gy1 + sdy + spread);
  }
  r.x = static_cast<int>(std::floor(x0)) - 1;
  r.y = static_cast<int>(std::floor(y0)) - 1;
  r.width = static_cast<int>(std::ceil(x1)) + 1 - r.x;
  r.height = static_cast<int>(std::ceil(y1)) + 1 - r.y;
  if (r.width > 16384 || r.height > 16384)
    return Fail(ErrorCode::kInternal, "text raster too large");
  r.stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, r.width);
  r.pixels.assign(static_cast<size_t>(r.stride / 4) * r.height, 0);

  std::lock_guard lock(PangoMutex());
  auto layout = NewLayout(plan, plan.size_px);
  const double ox = plan.origin_x - r.x, oy = plan.origin_y - r.y;
  const bool partial = visible_chars >= 0 && visible_chars < TextCharCount(plan);
  // Clips `cr` (at the layout origin) to the visible characters.
  auto clip_visible = [&](cairo_t* cr, double grow) {
    if (!partial) return;
    AddVisibleCharsPath(cr, layout.get(), layer.text, visible_chars, grow);
    cairo_clip(cr);
  };
  auto set_color = [](cairo_t* cr, const Color& c) {
    cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, c.a / 255.0);
  };
  if (layer.shadow) {
    // The shadow is the outlined glyphs' silhouette, offset and blurred.
    std::vector<uint32_t> shadow(r.pixels.size(), 0);
    {
      gfx::SurfacePtr ss(
          cairo_image_surface_create_for_data(reinterpret_cast<unsigned char*>(shadow.data()),
                                              CAIRO_FORMAT_ARGB32, r.width, r.height, r.stride));
      gfx::CairoPtr cr(cairo_create(ss.get()));
      cairo_translate(cr.get(), ox + sdx, oy + sdy);
      clip_visible(cr.get(), outline + 1);
      set_color(cr.get(), layer.shadow->color);
      pango_cairo_layout_path(cr.get(), layout.get());
      if (outline > 0) {
        cairo_set_line_width(cr.get(), 2 * outline);
        cairo_set_line_join(cr.get(), CAIRO_LINE_JOIN_ROUND);
        cairo_stroke_preserve(cr.get());
      }
      cairo_fill(cr.get());
      cairo_surface_flush(ss.get());
    }
    BoxBlur(shadow, r.width, r.height, r.stride / 4, static_cast<int>(std::lround(blur / 2)));
    r.pixels = std::move(shadow);
  }
  gfx::SurfacePtr surface(
      cairo_image_surface_create_for_data(reinterpret_cast<unsigned char*>(r.pixels.data()),
                                          CAIRO_FORMAT_ARGB32, r.width, r.height, r.stride));
  gfx::CairoPtr cr(cairo_create(surface.get()));
  cairo_translate(cr.get(), ox, oy);
  clip_visible(cr.get(), outline + 1);
  if (outline > 0) {
    pango_cairo_layout_path(cr.get(), layout.get());
    set_color(cr.get(), layer.outline->color);
    cairo_set_line_width(cr.get(), 2 * outline);
    cairo_set_line_join(cr.get(), CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr.get());
  }
  set_color(cr.get(), layer.color);
  cairo_move_to(cr.get(), 0, 0);
  pango_cairo_show_layout(cr.get(), layout.get());
  cairo_surface_flush(surface.get());
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    return Fail(ErrorCode::kInternal, std::string("cairo text drawing failed: ") +
                                          cairo_status_to_string(cairo_status(cr.get())));
  }
  return r;
}

}  // namespace aiprod
