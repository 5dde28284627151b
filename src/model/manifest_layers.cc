// Layers of a manifest scene: JSON in (validated, path-named errors) and out.
#include <algorithm>

#include "model/manifest_fields.h"

namespace aiprod::manifest_fields {
namespace {

Result<Animation> AnimationFrom(const Json& j, const std::string& path, double scene_s,
                                Layer::Kind kind) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, path));
  AIPROD_TRY(r.OnlyKeys({"property", "from", "to", "start_s", "end_s", "easing"}));
  Animation a;
  if (!r.Find("property")) return Invalid(r.PathOf("property"), "is required");
  AIPROD_ASSIGN(a.property, EnumField(r, "property", kProperties, a.property));
  AIPROD_ASSIGN(a.from, r.Number("from", -1e5, 1e5));
  AIPROD_ASSIGN(a.to, r.Number("to", -1e5, 1e5));
  AIPROD_ASSIGN(auto start, r.OptNumber("start_s", 0, scene_s));
  a.start_s = start.value_or(0);
  AIPROD_ASSIGN(a.end_s, r.OptNumber("end_s", a.start_s, scene_s));
  AIPROD_ASSIGN(a.easing, EnumField(r, "easing", kEasings, Easing::kLinear));
  const bool unit =
      a.property == Animation::Property::kOpacity || a.property == Animation::Property::kReveal;
  if (unit && (a.from < 0 || a.from > 1 || a.to < 0 || a.to > 1)) {
    return Invalid(path,
                   std::string(NameOf(kProperties, a.property)) + " must stay between 0 and 1");
  }
  if (a.property == Animation::Property::kScale &&
      (a.from < 0 || a.to < 0 || a.from > 20 || a.to > 20)) {
    return Invalid(path, "scale must stay between 0 and 20");
  }
  if (a.property == Animation::Property::kReveal && kind != Layer::Kind::kText) {
    return Invalid(r.PathOf("property"), "reveal applies to text layers only");
  }
  return a;
}

Result<TextOutline> OutlineFrom(const Json& j, const std::string& path) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, path));
  AIPROD_TRY(r.OnlyKeys({"color", "width_px"}));
  TextOutline o;
  AIPROD_ASSIGN(o.color, ColorField(r, "color", o.color));
  AIPROD_ASSIGN(auto w, r.OptNumber("width_px", 0.5, 50));
  o.width_px = w.value_or(o.width_px);
  return o;
}

Result<TextShadow> ShadowFrom(const Json& j, const std::string& path) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, path));
  AIPROD_TRY(r.OnlyKeys({"color", "dx", "dy", "blur_px"}));
  TextShadow s;
  AIPROD_ASSIGN(s.color, ColorField(r, "color", s.color));
  AIPROD_ASSIGN(auto dx, r.OptNumber("dx", -100, 100));
  AIPROD_ASSIGN(auto dy, r.OptNumber("dy", -100, 100));
  AIPROD_ASSIGN(auto blur, r.OptNumber("blur_px", 0, 50));
  s.dx = dx.value_or(s.dx);
  s.dy = dy.value_or(s.dy);
  s.blur_px = blur.value_or(s.blur_px);
  return s;
}

Status TextFrom(const ObjectReader& r, const std::string& path, const Canvas& canvas,
                const ManifestLimits& limits, TextLayer& t) {
  AIPROD_TRY(r.OnlyKeys({"type", "text", "role", "font", "size_px", "min_size_px", "color", "align",
                         "box", "baseline_y", "x", "outline", "shadow", "animations"}));
  AIPROD_ASSIGN(t.text, r.String("text", limits.max_text_chars));
  if (t.text.empty()) return Invalid(r.PathOf("text"), "must not be empty");
  AIPROD_ASSIGN(t.role, EnumField(r, "role", kRoles, TextRole::kTitle));
  AIPROD_ASSIGN(auto font, r.OptString("font", 128));
  if (font) {
    if (font->empty()) return Invalid(r.PathOf("font"), "must not be empty");
    t.font = *font;
  }
  AIPROD_ASSIGN(t.size_px, r.OptNumber("size_px", 4, 1000));
  AIPROD_ASSIGN(t.min_size_px, r.OptNumber("min_size_px", 4, 1000));
  if (t.min_size_px && t.size_px && *t.min_size_px > *t.size_px) {
    return Invalid(r.PathOf("min_size_px"), "must not exceed size_px");
  }
  AIPROD_ASSIGN(t.color, ColorField(r, "color", t.color));
  AIPROD_ASSIGN(t.align, EnumField(r, "align", kAligns, TextAlign::kCenter));
  if (const Json* box = r.Find("box")) {
    AIPROD_ASSIGN(t.box, BoxFrom(*box, r.PathOf("box"), canvas));
  }
  AIPROD_ASSIGN(t.baseline_y, r.OptNumber("baseline_y", 0, canvas.height));
  AIPROD_ASSIGN(t.x, r.OptNumber("x", 0, canvas.width));
  if (t.box && t.baseline_y) return Invalid(path, "give either box or baseline_y, not both");
  if (t.x && !t.baseline_y) return Invalid(r.PathOf("x"), "is only used with baseline_y");
  if (const Json* o = r.Find("outline")) {
    AIPROD_ASSIGN(t.outline, OutlineFrom(*o, r.PathOf("outline")));
  }
  if (const Json* s = r.Find("shadow")) {
    AIPROD_ASSIGN(t.shadow, ShadowFrom(*s, r.PathOf("shadow")));
  }
  return {};
}

Status LogoFrom(const ObjectReader& r, const Canvas& canvas, LogoLayer& logo) {
  AIPROD_TRY(r.OnlyKeys({"type", "asset", "corner", "height", "margin", "animations"}));
  AIPROD_ASSIGN(logo.asset, AssetField(r, "asset"));
  AIPROD_ASSIGN(logo.corner, EnumField(r, "corner", kCorners, LogoLayer::Corner::kTopRight));
  AIPROD_ASSIGN(logo.height, r.OptNumber("height", 4, canvas.height));
  AIPROD_ASSIGN(logo.margin, r.OptNumber("margin", 0, std::min(canvas.width, canvas.height) / 2.0));
  return {};
}

Json AnimationJson(const Animation& a) {
  Json aj = {{"property", NameOf(kProperties, a.property)},
             {"from", a.from},
             {"to", a.to},
             {"start_s", a.start_s},
             {"easing", NameOf(kEasings, a.easing)}};
  if (a.end_s) aj["end_s"] = *a.end_s;
  return aj;
}

Json TextJson(const TextLayer& t) {
  Json lj = {{"type", "text"},
             {"text", t.text},
             {"role", NameOf(kRoles, t.role)},
             {"font", t.font},
             {"color", ColorJson(t.color)},
             {"align", NameOf(kAligns, t.align)}};
  if (t.size_px) lj["size_px"] = *t.size_px;
  if (t.min_size_px) lj["min_size_px"] = *t.min_size_px;
  if (t.box) lj["box"] = BoxJson(*t.box);
  if (t.baseline_y) lj["baseline_y"] = *t.baseline_y;
  if (t.x) lj["x"] = *t.x;
  if (t.outline)
    lj["outline"] = {{"color", ColorJson(t.outline->color)}, {"width_px", t.outline->width_px}};
  if (t.shadow) {
    lj["shadow"] = {{"color", ColorJson(t.shadow->color)},
                    {"dx", t.shadow->dx},
                    {"dy", t.shadow->dy},
                    {"blur_px", t.shadow->blur_px}};
  }
  return lj;
}

}  // namespace

Result<Box> BoxFrom(const Json& j, const std::string& path, const Canvas& c) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, path));
  AIPROD_TRY(r.OnlyKeys({"x", "y", "w", "h"}));
  Box b;
  double lim = 4.0 * std::max(c.width, c.height);
  AIPROD_ASSIGN(b.x, r.Number("x", -lim, lim));
  AIPROD_ASSIGN(b.y, r.Number("y", -lim, lim));
  AIPROD_ASSIGN(b.w, r.Number("w", 1, lim));
  AIPROD_ASSIGN(b.h, r.Number("h", 1, lim));
  return b;
}

Result<Layer> LayerFrom(const Json& j, const std::string& path, const Canvas& canvas,
                        double scene_s, const ManifestLimits& limits) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, path));
  AIPROD_ASSIGN(std::string type, r.String("type", 32));
  Layer layer;
  if (type == "text") {
    layer.kind = Layer::Kind::kText;
    AIPROD_TRY(TextFrom(r, path, canvas, limits, layer.text));
  } else if (type == "rect") {
    AIPROD_TRY(r.OnlyKeys({"type", "box", "color", "animations"}));
    layer.kind = Layer::Kind::kRect;
    const Json* box = r.Find("box");
    if (!box) return Invalid(r.PathOf("box"), "is required");
    AIPROD_ASSIGN(layer.rect.box, BoxFrom(*box, r.PathOf("box"), canvas));
    AIPROD_ASSIGN(layer.rect.color, ColorField(r, "color", layer.rect.color));
  } else if (type == "image") {
    AIPROD_TRY(r.OnlyKeys({"type", "asset", "box", "fit", "animations"}));
    layer.kind = Layer::Kind::kImage;
    AIPROD_ASSIGN(layer.image.asset, AssetField(r, "asset"));
    const Json* box = r.Find("box");
    if (!box) return Invalid(r.PathOf("box"), "is required");
    AIPROD_ASSIGN(layer.image.box, BoxFrom(*box, r.PathOf("box"), canvas));
    AIPROD_ASSIGN(layer.image.fit, EnumField(r, "fit", kFits, ImageFit::kFit));
  } else if (type == "logo") {
    layer.kind = Layer::Kind::kLogo;
    AIPROD_TRY(LogoFrom(r, canvas, layer.logo));
  } else {
    return Invalid(r.PathOf("type"), "must be one of text, rect, image, logo");
  }
  if (const Json* anims = r.Find("animations")) {
    if (!anims->is_array()) return Invalid(r.PathOf("animations"), "must be an array");
    if (anims->size() > 16) return Invalid(r.PathOf("animations"), "has more than 16 animations");
    for (size_t i = 0; i < anims->size(); ++i) {
      AIPROD_ASSIGN(auto a, AnimationFrom((*anims)[i], ItemPath(r.PathOf("animations"), i), scene_s,
                                          layer.kind));
      layer.animations.push_back(a);
    }
  }
  return layer;
}

Json LayerJson(const Layer& l) {
  Json lj;
  switch (l.kind) {
    case Layer::Kind::kText:
      lj = TextJson(l.text);
      break;
    case Layer::Kind::kRect:
      lj = {{"type", "rect"}, {"box", BoxJson(l.rect.box)}, {"color", ColorJson(l.rect.color)}};
      break;
    case Layer::Kind::kImage:
      lj = {{"type", "image"},
            {"asset", l.image.asset},
            {"box", BoxJson(l.image.box)},
            {"fit", NameOf(kFits, l.image.fit)}};
      break;
    case Layer::Kind::kLogo:
      lj = {{"type", "logo"}, {"asset", l.logo.asset}, {"corner", NameOf(kCorners, l.logo.corner)}};
      if (l.logo.height) lj["height"] = *l.logo.height;
      if (l.logo.margin) lj["margin"] = *l.logo.margin;
      break;
  }
  if (!l.animations.empty()) {
    Json anims = Json::array();
    for (const auto& a : l.animations) anims.push_back(AnimationJson(a));
    lj["animations"] = anims;
  }
  return lj;
}

}  // namespace aiprod::manifest_fields
