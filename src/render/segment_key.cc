#include "render/segment_key.h"

#include "core/hash.h"
#include "core/json.h"

namespace aiprod {
namespace {

void Field(Sha256& h, std::string_view name, std::string_view value) {
  // Length-prefixed, so no two field lists hash the same bytes.
  h.Update(name).Update("=").Update(std::to_string(value.size())).Update(":").Update(value);
  h.Update(";");
}

void Field(Sha256& h, std::string_view name, int64_t value) {
  Field(h, name, std::to_string(value));
}

}  // namespace

std::string RenderDigest(const Manifest& m, const EncoderOptions& eo, const CanvasMapping& map) {
  Sha256 h;
  Field(h, "version", kRendererVersion);
  Field(h, "size", std::to_string(eo.width) + "x" + std::to_string(eo.height));
  Field(h, "fps", eo.fps);
  Field(h, "crf", eo.crf);
  Field(h, "preset", eo.x264_preset);
  Field(h, "x264_threads", eo.threads);
  Field(h, "canvas", std::to_string(map.canvas_width) + "x" + std::to_string(map.canvas_height));
  Field(h, "lang", m.lang);
  Field(h, "rtl", m.rtl ? 1 : 0);
  return h.HexDigest();
}

std::string SceneDigest(const ScenePlan& plan) {
  Json j = SceneToJson(*plan.scene);
  j.erase("id");
  j.erase("narration");
  j.erase("transition");
  Sha256 h;
  Field(h, "scene", j.dump());
  Field(h, "frames", plan.frames);
  for (const std::string& d : plan.asset_digests) Field(h, "asset", d);
  return h.HexDigest();
}

std::string SegmentKey(std::string_view render_digest, const Segment& seg, const Timeline& timeline,
                       const std::vector<std::string>& scene_digests, std::string_view overlays) {
  Sha256 h;
  Field(h, "render", render_digest);
  Field(h, "frames", seg.frames());
  if (seg.kind == Segment::Kind::kScene) {
    Field(h, "kind", "scene");
    Field(h, "scene", scene_digests[seg.scene]);
    Field(h, "local_begin", seg.local_begin);
  } else {
    const SceneSpan& span = timeline.scenes()[seg.scene];
    Field(h, "kind", "transition");
    Field(h, "type",
          std::to_string(static_cast<int>(span.transition.kind)) + "/" +
              std::to_string(static_cast<int>(span.transition.direction)));
    Field(h, "fade_frames", span.fade_frames);
    Field(h, "scene", scene_digests[seg.scene]);
    Field(h, "local_begin", seg.local_begin);
    Field(h, "under", scene_digests[seg.scene - 1]);
    Field(h, "under_begin", seg.under_begin);
  }
  Field(h, "overlays", overlays);
  return h.HexDigest();
}

std::string PosterKey(std::string_view segment_key, int64_t offset, std::string_view format) {
  Sha256 h;
  Field(h, "version", kRendererVersion);
  Field(h, "kind", "poster");
  Field(h, "segment", segment_key);
  Field(h, "offset", offset);
  Field(h, "format", format);
  return h.HexDigest();
}

std::string SoundtrackKey(std::span<const float> mono, const SoundtrackOptions& options) {
  Sha256 h;
  Field(h, "version", kRendererVersion);
  Field(h, "kind", "soundtrack");
  Field(h, "loudness",
        options.target_lufs
            ? FormatNumber(*options.target_lufs) + "/" + FormatNumber(options.ceiling_dbtp)
            : std::string("off"));
  Field(h, "bitrate_kbps", options.bitrate_kbps);
  Field(h, "samples", static_cast<int64_t>(mono.size()));
  // The samples' bytes as they are in memory: the key is only compared on
  // this machine's cache, and floats are little-endian IEEE here anyway.
  h.Update(std::string_view(reinterpret_cast<const char*>(mono.data()), mono.size_bytes()));
  return h.HexDigest();
}

}  // namespace aiprod
