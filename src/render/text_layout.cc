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

// Shrinks `plan` (origin, size) until the text fits a box of output pixels.
Status FitInBox(TextPlan& plan, double requested_px, double bx, double by, double bw, double bh,
                double valign, double canvas_requested, const std::string& field) {
  plan.wrap_width_px = std::max(1.0, bw);
  for (int step = 0; step <= 10; ++step) {
    double size = requested_px * (1.0 - 0.05 * step);
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
  return Invalid(field + ".text", "does not fit its box even at " +
                                      FormatNumber(std::round(canvas_requested * 5) / 10) + " px");
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
  AIPROD_TRY(FitInBox(plan, size_px, map.X(bx), map.Y(by), map.Len(bw), map.Len(bh), valign,
                      canvas_size, field));
  return plan;
}

Result<TextRaster> RasterizeText(const TextPlan& plan) {
  TextRaster r;
  if (plan.layer->text.empty() || plan.ink_x1 <= plan.ink_x0 || plan.ink_y1 <= plan.ink_y0)
    return r;
  // One pixel of margin around the ink for antialiasing.
  r.x = static_cast<int>(std::floor(plan.ink_x0)) - 1;
  r.y = static_cast<int>(std::floor(plan.ink_y0)) - 1;
  r.width = static_cast<int>(std::ceil(plan.ink_x1)) + 1 - r.x;
  r.height = static_cast<int>(std::ceil(plan.ink_y1)) + 1 - r.y;
  if (r.width > 16384 || r.height > 16384)
    return Fail(ErrorCode::kInternal, "text raster too large");
  r.stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, r.width);
  r.pixels.assign(static_cast<size_t>(r.stride / 4) * r.height, 0);

  std::lock_guard lock(PangoMutex());
  gfx::SurfacePtr surface(
      cairo_image_surface_create_for_data(reinterpret_cast<unsigned char*>(r.pixels.data()),
                                          CAIRO_FORMAT_ARGB32, r.width, r.height, r.stride));
  gfx::CairoPtr cr(cairo_create(surface.get()));
  auto layout = NewLayout(plan, plan.size_px);
  const Color& c = plan.layer->color;
  cairo_set_source_rgba(cr.get(), c.r / 255.0, c.g / 255.0, c.b / 255.0, c.a / 255.0);
  cairo_move_to(cr.get(), plan.origin_x - r.x, plan.origin_y - r.y);
  pango_cairo_show_layout(cr.get(), layout.get());
  cairo_surface_flush(surface.get());
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    return Fail(ErrorCode::kInternal, std::string("cairo text drawing failed: ") +
                                          cairo_status_to_string(cairo_status(cr.get())));
  }
  return r;
}

}  // namespace aiprod
