#include "render/renderer.h"

namespace aiprod {

Rendition ToRendition(const RenderedVideo& r, std::string lang, std::string aspect) {
  Rendition out;
  out.lang = std::move(lang);
  out.aspect = std::move(aspect);
  out.video = r.video_path;
  out.captions = r.captions_path;
  out.poster = r.poster_path;
  out.duration_s = r.duration_s;
  out.frames = r.frames;
  out.width = r.width;
  out.height = r.height;
  for (const auto& c : r.cues) out.narration_cues.push_back({c.scene, c.start_s, c.end_s});
  out.segments = r.segments;
  out.cache_hits = r.cache_hits;
  out.cache_misses = r.cache_misses;
  out.frames_encoded = r.frames_encoded;
  out.soundtrack_cached = r.soundtrack_cached;
  out.poster_cached = r.poster_cached;
  out.render_seconds = r.wall_s;
  return out;
}

}  // namespace aiprod
