#include "model/manifest.h"

#include <algorithm>

#include "core/config.h"
#include "model/manifest_fields.h"

namespace aiprod {
using namespace manifest_fields;  // NOLINT: this file's own helpers
namespace {

Result<Background> BackgroundFrom(const Json& j, const std::string& path) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, path));
  AIPROD_ASSIGN(std::string type, r.String("type", 32));
  Background bg;
  if (type == "solid") {
    AIPROD_TRY(r.OnlyKeys({"type", "color", "from", "to", "direction"}));
    bg.kind = Background::Kind::kSolid;
    AIPROD_ASSIGN(auto s, r.String("color", 16));
    AIPROD_ASSIGN(bg.color, ParseColor(s, r.PathOf("color")));
  } else if (type == "linear") {
    AIPROD_TRY(r.OnlyKeys({"type", "color", "from", "to", "direction"}));
    bg.kind = Background::Kind::kLinear;
    AIPROD_ASSIGN(auto from, r.String("from", 16));
    AIPROD_ASSIGN(bg.from, ParseColor(from, r.PathOf("from")));
    AIPROD_ASSIGN(auto to, r.String("to", 16));
    AIPROD_ASSIGN(bg.to, ParseColor(to, r.PathOf("to")));
    AIPROD_ASSIGN(bg.direction,
                  EnumField(r, "direction", kDirections, Background::Direction::kToBottom));
  } else if (type == "image" || type == "video") {
    const bool video = type == "video";
    if (video) {
      AIPROD_TRY(r.OnlyKeys({"type", "asset", "fit", "color", "start_s", "loop"}));
    } else {
      AIPROD_TRY(r.OnlyKeys({"type", "asset", "fit", "color"}));
    }
    bg.kind = video ? Background::Kind::kVideo : Background::Kind::kImage;
    AIPROD_ASSIGN(bg.asset, AssetField(r, "asset"));
    AIPROD_ASSIGN(bg.fit, EnumField(r, "fit", kFits, ImageFit::kCrop));
    AIPROD_ASSIGN(bg.color, ColorField(r, "color", bg.color));
    if (video) {
      AIPROD_ASSIGN(auto start, r.OptNumber("start_s", 0, 86400));
      bg.clip_start_s = start.value_or(0);
      AIPROD_ASSIGN(bg.loop, r.Bool("loop", true));
    }
  } else {
    return Invalid(r.PathOf("type"), "must be one of solid, linear, image, video");
  }
  return bg;
}

Result<std::optional<int>> VoiceNumber(const ObjectReader& r, std::string_view key, int lo,
                                       int hi) {
  AIPROD_ASSIGN(auto v, r.OptInt(key, lo, hi));
  if (!v) return std::optional<int>{};
  return std::optional<int>(static_cast<int>(*v));
}

Result<Narration> NarrationFrom(const Json& j, const std::string& path, double scene_s,
                                const ManifestLimits& limits) {
  AIPROD_ASSIGN(auto nr, ObjectReader::Open(j, path));
  AIPROD_TRY(nr.OnlyKeys({"text", "start_s", "rate_wpm", "pitch"}));
  Narration narration;
  AIPROD_ASSIGN(narration.text, nr.String("text", limits.max_text_chars));
  AIPROD_ASSIGN(auto start, nr.OptNumber("start_s", 0, scene_s));
  narration.start_s = start.value_or(0);
  AIPROD_ASSIGN(narration.rate_wpm, VoiceNumber(nr, "rate_wpm", 80, 450));
  AIPROD_ASSIGN(narration.pitch, VoiceNumber(nr, "pitch", 0, 100));
  return narration;
}

Result<Transition> TransitionFrom(const Json& j, const std::string& path) {
  AIPROD_ASSIGN(auto tr, ObjectReader::Open(j, path));
  AIPROD_TRY(tr.OnlyKeys({"type", "duration_s", "direction"}));
  Transition t;
  AIPROD_ASSIGN(t.kind, EnumField(tr, "type", kTransitions, Transition::Kind::kCut));
  AIPROD_ASSIGN(auto d, tr.OptNumber("duration_s", 0, 5));
  t.duration_s = t.kind == Transition::Kind::kCut ? 0 : d.value_or(0.5);
  AIPROD_ASSIGN(t.direction,
                EnumField(tr, "direction", kTransitionDirections, Transition::Direction::kLeft));
  return t;
}

Result<Scene> SceneFrom(const Json& j, const std::string& path, size_t index, const Canvas& canvas,
                        const ManifestLimits& limits) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, path));
  AIPROD_TRY(r.OnlyKeys({"id", "duration_s", "background", "layers", "narration", "transition"}));
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
    AIPROD_ASSIGN(Narration narration,
                  NarrationFrom(*n, r.PathOf("narration"), s.duration_s, limits));
    if (!narration.text.empty()) s.narration = std::move(narration);
  }
  if (const Json* t = r.Find("transition")) {
    AIPROD_ASSIGN(s.transition, TransitionFrom(*t, r.PathOf("transition")));
  }
  return s;
}

Result<Music> MusicFrom(const Json& j, const std::string& path) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, path));
  AIPROD_TRY(r.OnlyKeys({"asset", "volume_db", "duck_db", "fade_in_s", "fade_out_s", "loop"}));
  Music m;
  AIPROD_ASSIGN(m.asset, AssetField(r, "asset"));
  AIPROD_ASSIGN(auto volume, r.OptNumber("volume_db", -60, 12));
  AIPROD_ASSIGN(auto duck, r.OptNumber("duck_db", -60, 0));
  AIPROD_ASSIGN(auto fade_in, r.OptNumber("fade_in_s", 0, 30));
  AIPROD_ASSIGN(auto fade_out, r.OptNumber("fade_out_s", 0, 30));
  m.volume_db = volume.value_or(m.volume_db);
  m.duck_db = duck.value_or(m.duck_db);
  m.fade_in_s = fade_in.value_or(m.fade_in_s);
  m.fade_out_s = fade_out.value_or(m.fade_out_s);
  AIPROD_ASSIGN(m.loop, r.Bool("loop", true));
  return m;
}

Result<AudioSpec> AudioFrom(const Json& j) {
  AIPROD_ASSIGN(auto ar, ObjectReader::Open(j, "audio"));
  AIPROD_TRY(ar.OnlyKeys({"normalize", "loudness_lufs", "tone", "music"}));
  AudioSpec a;
  AIPROD_ASSIGN(a.normalize, ar.Bool("normalize", true));
  AIPROD_ASSIGN(a.loudness_lufs, ar.OptNumber("loudness_lufs", -40, -5));
  if (const Json* t = ar.Find("tone")) {
    AIPROD_ASSIGN(auto tr, ObjectReader::Open(*t, "audio.tone"));
    AIPROD_TRY(tr.OnlyKeys({"frequency_hz", "amplitude"}));
    Tone tone;
    AIPROD_ASSIGN(tone.frequency_hz, tr.Number("frequency_hz", 20, 20000));
    AIPROD_ASSIGN(tone.amplitude, tr.Number("amplitude", 0, 1));
    a.tone = tone;
  }
  if (const Json* music = ar.Find("music")) {
    AIPROD_ASSIGN(a.music, MusicFrom(*music, "audio.music"));
  }
  return a;
}

Result<CaptionStyle> CaptionsFrom(const Json& j, const Canvas& canvas) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, "captions"));
  AIPROD_TRY(r.OnlyKeys({"burn_in", "font", "size_px", "color", "background"}));
  CaptionStyle c;
  AIPROD_ASSIGN(c.burn_in, r.Bool("burn_in", false));
  AIPROD_ASSIGN(auto font, r.OptString("font", 128));
  if (font) {
    if (font->empty()) return Invalid(r.PathOf("font"), "must not be empty");
    c.font = *font;
  }
  AIPROD_ASSIGN(c.size_px, r.OptNumber("size_px", 4, canvas.height / 4.0));
  AIPROD_ASSIGN(c.color, ColorField(r, "color", c.color));
  AIPROD_ASSIGN(c.background, ColorField(r, "background", c.background));
  return c;
}

Result<PosterSpec> PosterFrom(const Json& j, const std::vector<Scene>& scenes) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, "poster"));
  AIPROD_TRY(r.OnlyKeys({"scene", "at_s"}));
  PosterSpec p;
  AIPROD_ASSIGN(auto scene, r.OptInt("scene", 0, static_cast<int64_t>(scenes.size()) - 1));
  p.scene = static_cast<size_t>(scene.value_or(0));
  AIPROD_ASSIGN(p.at_s, r.OptNumber("at_s", 0, scenes[p.scene].duration_s));
  return p;
}

Json BackgroundJson(const Background& b) {
  switch (b.kind) {
    case Background::Kind::kSolid:
      return {{"type", "solid"}, {"color", ColorJson(b.color)}};
    case Background::Kind::kLinear:
      return {{"type", "linear"},
              {"from", ColorJson(b.from)},
              {"to", ColorJson(b.to)},
              {"direction", NameOf(kDirections, b.direction)}};
    case Background::Kind::kImage:
    case Background::Kind::kVideo: {
      const bool video = b.kind == Background::Kind::kVideo;
      Json j = {{"type", video ? "video" : "image"},
                {"asset", b.asset},
                {"fit", NameOf(kFits, b.fit)},
                {"color", ColorJson(b.color)}};
      if (video) {
        j["start_s"] = b.clip_start_s;
        j["loop"] = b.loop;
      }
      return j;
    }
  }
  return Json::object();
}

Json AudioJson(const AudioSpec& a) {
  Json audio = {{"normalize", a.normalize}};
  if (a.loudness_lufs) audio["loudness_lufs"] = *a.loudness_lufs;
  if (a.tone) {
    audio["tone"] = {{"frequency_hz", a.tone->frequency_hz}, {"amplitude", a.tone->amplitude}};
  }
  if (a.music) {
    audio["music"] = {{"asset", a.music->asset},           {"volume_db", a.music->volume_db},
                      {"duck_db", a.music->duck_db},       {"fade_in_s", a.music->fade_in_s},
                      {"fade_out_s", a.music->fade_out_s}, {"loop", a.music->loop}};
  }
  return audio;
}

}  // namespace

std::string_view TextRoleName(TextRole r) { return NameOf(kRoles, r); }

Status CheckAssetPath(std::string_view path, const std::string& field) {
  if (path.empty()) return Invalid(field, "must not be empty");
  if (path.size() > 255) return Invalid(field, "is longer than 255 bytes");
  if (path.front() == '/') {
    return Invalid(field, "must be relative to the job's asset directory, not absolute");
  }
  for (char c : path) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '\\') {
      return Invalid(field, "must not contain control characters or backslashes");
    }
  }
  size_t begin = 0;
  while (begin <= path.size()) {
    size_t end = path.find('/', begin);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(begin, end - begin);
    if (part == "..") return Invalid(field, "must stay inside the job's asset directory (no '..')");
    if (part.empty() || part == ".") return Invalid(field, "has an empty or '.' path component");
    begin = end + 1;
  }
  return {};
}

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
  AIPROD_TRY(r.OnlyKeys({"manifest_version", "title", "lang", "rtl", "voice", "voice_rate_wpm",
                         "voice_pitch", "canvas", "audio", "captions", "poster", "scenes"}));
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
  AIPROD_ASSIGN(m.voice_rate_wpm, VoiceNumber(r, "voice_rate_wpm", 80, 450));
  AIPROD_ASSIGN(m.voice_pitch, VoiceNumber(r, "voice_pitch", 0, 100));
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
    AIPROD_ASSIGN(m.audio, AudioFrom(*a));
  }
  if (const Json* c = r.Find("captions")) {
    AIPROD_ASSIGN(m.captions, CaptionsFrom(*c, m.canvas));
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
    AIPROD_ASSIGN(auto scene, SceneFrom((*scenes)[i], ItemPath("scenes", i), i, m.canvas, limits));
    m.scenes.push_back(std::move(scene));
  }
  for (size_t i = 1; i < m.scenes.size(); ++i) {
    double d = m.scenes[i].transition.duration_s;
    if (d >= m.scenes[i].duration_s || d >= m.scenes[i - 1].duration_s) {
      return Invalid(ItemPath("scenes", i) + ".transition.duration_s",
                     "must be shorter than this scene and the previous one");
    }
  }
  if (const Json* p = r.Find("poster")) {
    AIPROD_ASSIGN(m.poster, PosterFrom(*p, m.scenes));
  }
  if (m.TotalDuration() > limits.max_total_s) {
    return Invalid("scenes", "total duration " + FormatNumber(m.TotalDuration()) +
                                 " s exceeds the limit of " + FormatNumber(limits.max_total_s) +
                                 " s");
  }
  return m;
}

Json SceneToJson(const Scene& s) {
  Json layers = Json::array();
  for (const auto& l : s.layers) layers.push_back(LayerJson(l));
  Json sj = {{"id", s.id},
             {"duration_s", s.duration_s},
             {"background", BackgroundJson(s.background)},
             {"layers", layers}};
  if (s.narration) {
    Json n = {{"text", s.narration->text}, {"start_s", s.narration->start_s}};
    if (s.narration->rate_wpm) n["rate_wpm"] = *s.narration->rate_wpm;
    if (s.narration->pitch) n["pitch"] = *s.narration->pitch;
    sj["narration"] = n;
  }
  sj["transition"] = {{"type", NameOf(kTransitions, s.transition.kind)},
                      {"duration_s", s.transition.duration_s}};
  if (s.transition.kind == Transition::Kind::kWipe ||
      s.transition.kind == Transition::Kind::kSlide) {
    sj["transition"]["direction"] = NameOf(kTransitionDirections, s.transition.direction);
  }
  return sj;
}

Json ManifestToJson(const Manifest& m) {
  Json scenes = Json::array();
  for (const auto& s : m.scenes) scenes.push_back(SceneToJson(s));
  Json j = {
      {"manifest_version", m.manifest_version},
      {"title", m.title},
      {"lang", m.lang},
      {"rtl", m.rtl},
      {"canvas", {{"width", m.canvas.width}, {"height", m.canvas.height}, {"fps", m.canvas.fps}}},
      {"audio", AudioJson(m.audio)},
      {"scenes", scenes}};
  if (!m.voice.empty()) j["voice"] = m.voice;
  if (m.voice_rate_wpm) j["voice_rate_wpm"] = *m.voice_rate_wpm;
  if (m.voice_pitch) j["voice_pitch"] = *m.voice_pitch;
  const CaptionStyle defaults;
  const CaptionStyle& c = m.captions;
  if (c.burn_in != defaults.burn_in || c.font != defaults.font || c.size_px ||
      c.color != defaults.color || c.background != defaults.background) {
    j["captions"] = {{"burn_in", c.burn_in},
                     {"font", c.font},
                     {"color", ColorJson(c.color)},
                     {"background", ColorJson(c.background)}};
    if (c.size_px) j["captions"]["size_px"] = *c.size_px;
  }
  if (m.poster.scene != 0 || m.poster.at_s) {
    j["poster"] = {{"scene", m.poster.scene}};
    if (m.poster.at_s) j["poster"]["at_s"] = *m.poster.at_s;
  }
  return j;
}

Result<ProductionManifest> ProductionManifestFromJson(const Json& j, const ManifestLimits& limits) {
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

int64_t ManifestRevision(const Json& m) {
  if (!m.is_object() || !m.contains("revision") || !m["revision"].is_number_integer()) return 0;
  return m["revision"].get<int64_t>();
}

ManifestLimits ManifestLimitsFor(const Config& config) {
  ManifestLimits l;
  l.max_scenes = static_cast<size_t>(config.limits.max_scenes);
  l.max_total_s = config.render.max_duration_s;
  return l;
}

}  // namespace aiprod
