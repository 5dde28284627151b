#include "model/manifest.h"

#include <array>
#include <utility>

namespace aiprod {
namespace {

template <typename E>
using NameTable = std::initializer_list<std::pair<E, std::string_view>>;

constexpr std::pair<TextRole, std::string_view> kRoles[] = {
    {TextRole::kTitle, "title"},     {TextRole::kSubtitle, "subtitle"}, {TextRole::kBody, "body"},
    {TextRole::kCaption, "caption"}, {TextRole::kCta, "cta"}};
constexpr std::pair<TextAlign, std::string_view> kAligns[] = {
    {TextAlign::kCenter, "center"}, {TextAlign::kStart, "start"}, {TextAlign::kEnd, "end"}};
constexpr std::pair<Easing, std::string_view> kEasings[] = {{Easing::kLinear, "linear"},
                                                            {Easing::kEaseIn, "ease_in"},
                                                            {Easing::kEaseOut, "ease_out"},
                                                            {Easing::kEaseInOut, "ease_in_out"}};
constexpr std::pair<Animation::Property, std::string_view> kProperties[] = {
    {Animation::Property::kX, "x"},
    {Animation::Property::kY, "y"},
    {Animation::Property::kOpacity, "opacity"},
    {Animation::Property::kScale, "scale"}};
constexpr std::pair<Transition::Kind, std::string_view> kTransitions[] = {
    {Transition::Kind::kCut, "cut"}, {Transition::Kind::kCrossfade, "crossfade"}};
constexpr std::pair<Background::Direction, std::string_view> kDirections[] = {
    {Background::Direction::kToBottom, "to bottom"}, {Background::Direction::kToRight, "to right"}};

template <typename E, size_t N>
std::string_view NameOf(const std::pair<E, std::string_view> (&table)[N], E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "?";
}

// Reads an enum by name; a missing key keeps `fallback`.
template <typename E, size_t N>
Result<E> EnumField(const ObjectReader& r, std::string_view key,
                    const std::pair<E, std::string_view> (&table)[N], E fallback) {
  AIPROD_ASSIGN(auto s, r.OptString(key, 64));
  if (!s) return fallback;
  std::string names;
  for (const auto& [v, name] : table) {
    if (name == *s) return v;
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  return Invalid(r.PathOf(key), "must be one of " + names);
}

Result<Color> ColorField(const ObjectReader& r, std::string_view key, Color fallback) {
  AIPROD_ASSIGN(auto s, r.OptString(key, 16));
  if (!s) return fallback;
  return ParseColor(*s, r.PathOf(key));
}

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

Result<Background> BackgroundFrom(const Json& j, const std::string& path) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, path));
  AIPROD_TRY(r.OnlyKeys({"type", "color", "from", "to", "direction"}));
  AIPROD_ASSIGN(std::string type, r.String("type", 32));
  Background bg;
  if (type == "solid") {
    bg.kind = Background::Kind::kSolid;
    AIPROD_ASSIGN(auto s, r.String("color", 16));
    AIPROD_ASSIGN(bg.color, ParseColor(s, r.PathOf("color")));
  } else if (type == "linear") {
    bg.kind = Background::Kind::kLinear;
    AIPROD_ASSIGN(auto from, r.String("from", 16));
    AIPROD_ASSIGN(bg.from, ParseColor(from, r.PathOf("from")));
    AIPROD_ASSIGN(auto to, r.String("to", 16));
    AIPROD_ASSIGN(bg.to, ParseColor(to, r.PathOf("to")));
    AIPROD_ASSIGN(bg.direction,
                  EnumField(r, "direction", kDirections, Background::Direction::kToBottom));
  } else {
    return Invalid(r.PathOf("type"), "must be one of solid, linear");
  }
  return bg;
}

Result<Animation> AnimationFrom(const Json& j, const std::string& path, double scene_s) {
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
  if ((a.property == Animation::Property::kOpacity) &&
      (a.from < 0 || a.from > 1 || a.to < 0 || a.to > 1)) {
    return Invalid(path, "opacity must stay between 0 and 1");
  }
  return a;
}

Result<Layer> LayerFrom(const Json& j, const std::string& path, const Canvas& canvas,
                        double scene_s, const ManifestLimits& limits) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, path));
  AIPROD_ASSIGN(std::string type, r.String("type", 32));
  Layer layer;
  if (type == "text") {
    AIPROD_TRY(r.OnlyKeys({"type", "text", "role", "font", "size_px", "color", "align", "box",
                           "baseline_y", "x", "animations"}));
    layer.kind = Layer::Kind::kText;
    TextLayer& t = layer.text;
    AIPROD_ASSIGN(t.text, r.String("text", limits.max_text_chars));
    if (t.text.empty()) return Invalid(r.PathOf("text"), "must not be empty");
    AIPROD_ASSIGN(t.role, EnumField(r, "role", kRoles, TextRole::kTitle));
    AIPROD_ASSIGN(auto font, r.OptString("font", 128));
    if (font) {
      if (font->empty()) return Invalid(r.PathOf("font"), "must not be empty");
      t.font = *font;
    }
    AIPROD_ASSIGN(t.size_px, r.OptNumber("size_px", 4, 1000));
    AIPROD_ASSIGN(t.color, ColorField(r, "color", t.color));
    AIPROD_ASSIGN(t.align, EnumField(r, "align", kAligns, TextAlign::kCenter));
    if (const Json* box = r.Find("box")) {
      AIPROD_ASSIGN(t.box, BoxFrom(*box, r.PathOf("box"), canvas));
    }
    AIPROD_ASSIGN(t.baseline_y, r.OptNumber("baseline_y", 0, canvas.height));
    AIPROD_ASSIGN(t.x, r.OptNumber("x", 0, canvas.width));
    if (t.box && t.baseline_y) return Invalid(path, "give either box or baseline_y, not both");
    if (t.x && !t.baseline_y) return Invalid(r.PathOf("x"), "is only used with baseline_y");
  } else if (type == "rect") {
    AIPROD_TRY(r.OnlyKeys({"type", "box", "color", "animations"}));
    layer.kind = Layer::Kind::kRect;
    const Json* box = r.Find("box");
    if (!box) return Invalid(r.PathOf("box"), "is required");
    AIPROD_ASSIGN(layer.rect.box, BoxFrom(*box, r.PathOf("box"), canvas));
    AIPROD_ASSIGN(layer.rect.color, ColorField(r, "color", layer.rect.color));
  } else {
    return Invalid(r.PathOf("type"), "must be one of text, rect");
  }
  if (const Json* anims = r.Find("animations")) {
    if (!anims->is_array()) return Invalid(r.PathOf("animations"), "must be an array");
    for (size_t i = 0; i < anims->size(); ++i) {
      AIPROD_ASSIGN(auto a, AnimationFrom((*anims)[i], ItemPath(r.PathOf("animations"), i),
                                          scene_s));
      layer.animations.push_back(a);
    }
  }
  return layer;
}

Result<Scene> SceneFrom(const Json& j, const std::string& path, size_t index,
                        const Canvas& canvas, const ManifestLimits& limits) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, path));
  AIPROD_TRY(
      r.OnlyKeys({"id", "duration_s", "background", "layers", "narration", "transition"}));
  Scene s;
  AIPROD_ASSIGN(auto id, r.OptString("id", 64));
  s.id = id.value_or("s" + std::to_string(index + 1));
  AIPROD_ASSIGN(s.duration_s, r.Number("duration_s", limits.min_scene_s, limits.max_scene_s));
  if (const Json* bg = r.Find("background")) {
    AIPROD_ASSIGN(s.background, BackgroundFrom(*bg, r.PathOf("background")));
  }
  if (const Json* layers = r.Find("layers")) {
    if (!layers->is_array()) return Invalid(r.PathOf("layers"), "must be an array");
    if (layers->size() > limits.max_layers_per_scene) {
      return Invalid(r.PathOf("layers"),
                     "has more than " + std::to_string(limits.max_layers_per_scene) + " layers");
    }
    for (size_t i = 0; i < layers->size(); ++i) {
      AIPROD_ASSIGN(auto layer, LayerFrom((*layers)[i], ItemPath(r.PathOf("layers"), i), canvas,
                                          s.duration_s, limits));
      s.layers.push_back(std::move(layer));
    }
  }
  if (const Json* n = r.Find("narration")) {
    AIPROD_ASSIGN(auto nr, ObjectReader::Open(*n, r.PathOf("narration")));
    AIPROD_TRY(nr.OnlyKeys({"text", "start_s"}));
    Narration narration;
    AIPROD_ASSIGN(narration.text, nr.String("text", limits.max_text_chars));
    AIPROD_ASSIGN(auto start, nr.OptNumber("start_s", 0, s.duration_s));
    narration.start_s = start.value_or(0);
    if (!narration.text.empty()) s.narration = std::move(narration);
  }
  if (const Json* t = r.Find("transition")) {
    AIPROD_ASSIGN(auto tr, ObjectReader::Open(*t, r.PathOf("transition")));
    AIPROD_TRY(tr.OnlyKeys({"type", "duration_s"}));
    AIPROD_ASSIGN(s.transition.kind, EnumField(tr, "type", kTransitions, Transition::Kind::kCut));
    AIPROD_ASSIGN(auto d, tr.OptNumber("duration_s", 0, 5));
    s.transition.duration_s = s.transition.kind == Transition::Kind::kCut ? 0 : d.value_or(0.5);
  }
  return s;
}

Json ColorJson(const Color& c) { return c.ToHex(); }

Json BoxJson(const Box& b) { return {{"x", b.x}, {"y", b.y}, {"w", b.w}, {"h", b.h}}; }

}  // namespace

std::string_view TextRoleName(TextRole r) { return NameOf(kRoles, r); }

std::vector<double> Manifest::SceneStarts() const {
  std::vector<double> starts;
  double t = 0;
  for (size_t i = 0; i < scenes.size(); ++i) {
    if (i > 0) t += scenes[i - 1].duration_s - scenes[i].transition.duration_s;
    starts.push_back(t);
  }
  return starts;
}

double Manifest::TotalDuration() const {
  if (scenes.empty()) return 0;
  return SceneStarts().back() + scenes.back().duration_s;
}

const Manifest* ProductionManifest::Find(std::string_view lang) const {
  for (const auto& v : variants) {
    if (v.lang == lang) return &v;
  }
  return nullptr;
}

Result<Manifest> ManifestFromJson(const Json& j, const ManifestLimits& limits) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, ""));
  AIPROD_TRY(r.OnlyKeys({"manifest_version", "title", "lang", "rtl", "voice", "canvas", "audio",
                         "scenes"}));
  Manifest m;
  AIPROD_ASSIGN(m.manifest_version, r.Int("manifest_version", 1, 1000));
  if (m.manifest_version != kManifestVersion) {
    return Invalid("manifest_version", "version " + std::to_string(m.manifest_version) +
                                           " is not supported (this build reads version " +
                                           std::to_string(kManifestVersion) + ")");
  }
  AIPROD_ASSIGN(auto title, r.OptString("title", 500));
  m.title = title.value_or("");
  AIPROD_ASSIGN(auto lang, r.OptString("lang", 16));
  m.lang = lang.value_or("en");
  AIPROD_ASSIGN(m.rtl, r.Bool("rtl", false));
  AIPROD_ASSIGN(auto voice, r.OptString("voice", 64));
  m.voice = voice.value_or("");
  if (const Json* c = r.Find("canvas")) {
    AIPROD_ASSIGN(auto cr, ObjectReader::Open(*c, "canvas"));
    AIPROD_TRY(cr.OnlyKeys({"width", "height", "fps"}));
    AIPROD_ASSIGN(auto w, cr.OptInt("width", 16, limits.max_canvas_px));
    AIPROD_ASSIGN(auto h, cr.OptInt("height", 16, limits.max_canvas_px));
    AIPROD_ASSIGN(auto fps, cr.OptInt("fps", 1, 120));
    m.canvas.width = static_cast<int>(w.value_or(1920));
    m.canvas.height = static_cast<int>(h.value_or(1080));
    m.canvas.fps = static_cast<int>(fps.value_or(30));
  }
  if (const Json* a = r.Find("audio")) {
    AIPROD_ASSIGN(auto ar, ObjectReader::Open(*a, "audio"));
    AIPROD_TRY(ar.OnlyKeys({"normalize", "loudness_lufs", "tone"}));
    AIPROD_ASSIGN(m.audio.normalize, ar.Bool("normalize", true));
    AIPROD_ASSIGN(m.audio.loudness_lufs, ar.OptNumber("loudness_lufs", -40, -5));
    if (const Json* t = ar.Find("tone")) {
      AIPROD_ASSIGN(auto tr, ObjectReader::Open(*t, "audio.tone"));
      AIPROD_TRY(tr.OnlyKeys({"frequency_hz", "amplitude"}));
      Tone tone;
      AIPROD_ASSIGN(tone.frequency_hz, tr.Number("frequency_hz", 20, 20000));
      AIPROD_ASSIGN(tone.amplitude, tr.Number("amplitude", 0, 1));
      m.audio.tone = tone;
    }
  }
  const Json* scenes = r.Find("scenes");
  if (!scenes) return Invalid("scenes", "is required");
  if (!scenes->is_array()) return Invalid("scenes", "must be an array");
  if (scenes->empty()) return Invalid("scenes", "must contain at least one scene");
  if (scenes->size() > limits.max_scenes) {
    return Invalid("scenes", "has " + std::to_string(scenes->size()) + " scenes; the limit is " +
                                 std::to_string(limits.max_scenes));
  }
  for (size_t i = 0; i < scenes->size(); ++i) {
    AIPROD_ASSIGN(auto scene,
                  SceneFrom((*scenes)[i], ItemPath("scenes", i), i, m.canvas, limits));
    m.scenes.push_back(std::move(scene));
  }
  for (size_t i = 1; i < m.scenes.size(); ++i) {
    double d = m.scenes[i].transition.duration_s;
    if (d >= m.scenes[i].duration_s || d >= m.scenes[i - 1].duration_s) {
      return Invalid(ItemPath("scenes", i) + ".transition.duration_s",
                     "must be shorter than this scene and the previous one");
    }
  }
  if (m.TotalDuration() > limits.max_total_s) {
    return Invalid("scenes", "total duration " + FormatNumber(m.TotalDuration()) +
                                 " s exceeds the limit of " + FormatNumber(limits.max_total_s) +
                                 " s");
  }
  return m;
}

Json ManifestToJson(const Manifest& m) {
  Json scenes = Json::array();
  for (const auto& s : m.scenes) {
    Json bg;
    if (s.background.kind == Background::Kind::kSolid) {
      bg = {{"type", "solid"}, {"color", ColorJson(s.background.color)}};
    } else {
      bg = {{"type", "linear"},
            {"from", ColorJson(s.background.from)},
            {"to", ColorJson(s.background.to)},
            {"direction", NameOf(kDirections, s.background.direction)}};
    }
    Json layers = Json::array();
    for (const auto& l : s.layers) {
      Json lj;
      if (l.kind == Layer::Kind::kText) {
        const TextLayer& t = l.text;
        lj = {{"type", "text"},
              {"text", t.text},
              {"role", NameOf(kRoles, t.role)},
              {"font", t.font},
              {"color", ColorJson(t.color)},
              {"align", NameOf(kAligns, t.align)}};
        if (t.size_px) lj["size_px"] = *t.size_px;
        if (t.box) lj["box"] = BoxJson(*t.box);
        if (t.baseline_y) lj["baseline_y"] = *t.baseline_y;
        if (t.x) lj["x"] = *t.x;
      } else {
        lj = {{"type", "rect"}, {"box", BoxJson(l.rect.box)}, {"color", ColorJson(l.rect.color)}};
      }
      if (!l.animations.empty()) {
        Json anims = Json::array();
        for (const auto& a : l.animations) {
          Json aj = {{"property", NameOf(kProperties, a.property)},
                     {"from", a.from},
                     {"to", a.to},
                     {"start_s", a.start_s},
                     {"easing", NameOf(kEasings, a.easing)}};
          if (a.end_s) aj["end_s"] = *a.end_s;
          anims.push_back(aj);
        }
        lj["animations"] = anims;
      }
      layers.push_back(lj);
    }
    Json sj = {{"id", s.id}, {"duration_s", s.duration_s}, {"background", bg}, {"layers", layers}};
    if (s.narration) {
      sj["narration"] = {{"text", s.narration->text}, {"start_s", s.narration->start_s}};
    }
    sj["transition"] = {{"type", NameOf(kTransitions, s.transition.kind)},
                        {"duration_s", s.transition.duration_s}};
    scenes.push_back(sj);
  }
  Json audio = {{"normalize", m.audio.normalize}};
  if (m.audio.loudness_lufs) audio["loudness_lufs"] = *m.audio.loudness_lufs;
  if (m.audio.tone) {
    audio["tone"] = {{"frequency_hz", m.audio.tone->frequency_hz},
                     {"amplitude", m.audio.tone->amplitude}};
  }
  Json j = {{"manifest_version", m.manifest_version},
            {"title", m.title},
            {"lang", m.lang},
            {"rtl", m.rtl},
            {"canvas",
             {{"width", m.canvas.width}, {"height", m.canvas.height}, {"fps", m.canvas.fps}}},
            {"audio", audio},
            {"scenes", scenes}};
  if (!m.voice.empty()) j["voice"] = m.voice;
  return j;
}

Result<ProductionManifest> ProductionManifestFromJson(const Json& j,
                                                      const ManifestLimits& limits) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, ""));
  AIPROD_TRY(r.OnlyKeys({"revision", "variants"}));
  ProductionManifest p;
  AIPROD_ASSIGN(p.revision, r.Int("revision", 1, 1'000'000));
  const Json* variants = r.Find("variants");
  if (!variants || !variants->is_array() || variants->empty()) {
    return Invalid("variants", "must be a non-empty array");
  }
  for (size_t i = 0; i < variants->size(); ++i) {
    auto m = ManifestFromJson((*variants)[i], limits);
    if (!m) {
      Error e = m.error();
      e.field = ItemPath("variants", i) + (e.field.empty() ? "" : "." + e.field);
      return Unexpected(e);
    }
    p.variants.push_back(std::move(*m));
  }
  return p;
}

Json ProductionManifestToJson(const ProductionManifest& p) {
  Json variants = Json::array();
  for (const auto& v : p.variants) variants.push_back(ManifestToJson(v));
  return {{"revision", p.revision}, {"variants", variants}};
}

}  // namespace aiprod
