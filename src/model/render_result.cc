#include "model/render_result.h"

#include <limits>

namespace aiprod {
namespace {

constexpr double kMaxNumber = std::numeric_limits<double>::max();
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

Result<std::vector<RenditionCue>> CuesFromJson(const ObjectReader& r) {
  std::vector<RenditionCue> out;
  const Json* cues = r.Find("narration_cues");
  if (!cues || cues->is_null()) return out;
  if (!cues->is_array()) return Invalid(r.PathOf("narration_cues"), "must be an array");
  for (size_t i = 0; i < cues->size(); ++i) {
    AIPROD_ASSIGN(auto c, ObjectReader::Open((*cues)[i], ItemPath(r.PathOf("narration_cues"), i)));
    RenditionCue cue;
    AIPROD_ASSIGN(int64_t scene, c.Int("scene", 0, kMaxInt));
    cue.scene = static_cast<size_t>(scene);
    AIPROD_ASSIGN(cue.start_s, c.Number("start_s", 0, kMaxNumber));
    AIPROD_ASSIGN(cue.end_s, c.Number("end_s", 0, kMaxNumber));
    out.push_back(cue);
  }
  return out;
}

}  // namespace

Json RenditionToJson(const Rendition& r) {
  Json cues = Json::array();
  for (const auto& c : r.narration_cues) {
    cues.push_back({{"scene", c.scene}, {"start_s", c.start_s}, {"end_s", c.end_s}});
  }
  Json j = {{"video", r.video},
            {"captions", r.captions},
            {"poster", r.poster},
            {"duration_s", r.duration_s},
            {"frames", r.frames},
            {"width", r.width},
            {"height", r.height},
            {"narration_cues", cues},
            {"segments", r.segments},
            {"cache_hits", r.cache_hits},
            {"cache_misses", r.cache_misses},
            {"frames_encoded", r.frames_encoded},
            {"soundtrack_cached", r.soundtrack_cached},
            {"poster_cached", r.poster_cached},
            {"render_seconds", r.render_seconds}};
  if (!r.lang.empty()) j["lang"] = r.lang;
  if (!r.aspect.empty()) j["aspect"] = r.aspect;
  return j;
}

Result<Rendition> RenditionFromJson(const Json& j, const std::string& path) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, path));
  Rendition out;
  AIPROD_ASSIGN(out.video, r.String("video"));
  AIPROD_ASSIGN(auto lang, r.OptString("lang"));
  out.lang = lang.value_or("");
  AIPROD_ASSIGN(auto aspect, r.OptString("aspect"));
  out.aspect = aspect.value_or("");
  AIPROD_ASSIGN(auto captions, r.OptString("captions"));
  out.captions = captions.value_or("");
  AIPROD_ASSIGN(auto poster, r.OptString("poster"));
  out.poster = poster.value_or("");
  AIPROD_ASSIGN(int64_t width, r.Int("width", 0, 1 << 16));
  AIPROD_ASSIGN(int64_t height, r.Int("height", 0, 1 << 16));
  out.width = static_cast<int>(width);
  out.height = static_cast<int>(height);
  AIPROD_ASSIGN(auto duration, r.OptNumber("duration_s", 0, kMaxNumber));
  out.duration_s = duration.value_or(0);
  AIPROD_ASSIGN(out.narration_cues, CuesFromJson(r));
  for (auto [key, field] : {std::pair{"frames", &out.frames},
                            {"segments", &out.segments},
                            {"cache_hits", &out.cache_hits},
                            {"cache_misses", &out.cache_misses},
                            {"frames_encoded", &out.frames_encoded}}) {
    AIPROD_ASSIGN(auto v, r.OptInt(key, 0, kMaxInt));
    *field = v.value_or(0);
  }
  AIPROD_ASSIGN(out.soundtrack_cached, r.Bool("soundtrack_cached", false));
  AIPROD_ASSIGN(out.poster_cached, r.Bool("poster_cached", false));
  AIPROD_ASSIGN(auto seconds, r.OptNumber("render_seconds", 0, kMaxNumber));
  out.render_seconds = seconds.value_or(0);
  return out;
}

Json RenderResultToJson(const RenderResult& r) {
  Json renditions = Json::array();
  for (const auto& x : r.renditions) renditions.push_back(RenditionToJson(x));
  return {{"renditions", renditions}};
}

Result<RenderResult> RenderResultFromJson(const Json& j) {
  RenderResult out;
  if (j.is_null()) return out;
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, "render_result"));
  const Json* list = r.Find("renditions");
  if (!list) return out;
  if (!list->is_array()) return Invalid(r.PathOf("renditions"), "must be an array");
  for (size_t i = 0; i < list->size(); ++i) {
    AIPROD_ASSIGN(auto x, RenditionFromJson((*list)[i], ItemPath(r.PathOf("renditions"), i)));
    out.renditions.push_back(std::move(x));
  }
  return out;
}

}  // namespace aiprod
