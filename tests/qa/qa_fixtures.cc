#include "qa_fixtures.h"

// LeakSanitizer: fontconfig keeps its caches for the life of the process.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }

namespace aiprod::testing {

Color Hex(const std::string& hex) { return *ParseColor(hex, "test"); }

namespace {

Layer Title(const std::string& text) {
  Layer l;
  l.kind = Layer::Kind::kText;
  l.text.text = text;
  l.text.font = "DejaVu Sans Bold";
  l.text.size_px = 44;
  l.text.baseline_y = 170;
  l.text.color = Hex("#FFFFFF");
  return l;
}

}  // namespace

Manifest PromisedManifest() {
  Manifest m;
  m.title = "qa test";
  m.lang = "en";
  m.canvas = {640, 360, 25};

  Scene s0;
  s0.id = "s0";
  s0.duration_s = 2.0;
  s0.background.color = Hex("#1565C0");
  s0.layers.push_back(Title("Fresh roast coffee"));
  s0.narration = Narration{"Fresh roast coffee.", 0.1};

  Scene s1;
  s1.id = "s1";
  s1.duration_s = 2.0;
  s1.background.color = Hex("#2E7D32");
  s1.transition = {Transition::Kind::kCrossfade, 0.4};
  s1.layers.push_back(Title("Order today"));
  Layer box;
  box.kind = Layer::Kind::kRect;
  box.rect.box = {40, 230, 80, 80};
  box.rect.color = Hex("#FFB300");
  box.animations.push_back({Animation::Property::kX, 40, 520, 0, std::nullopt, Easing::kLinear});
  s1.layers.push_back(box);
  s1.narration = Narration{"Order today.", 0.2};

  m.scenes = {s0, s1};
  return m;
}

RenderSettings TestRenderSettings() {
  RenderSettings s;
  s.width = 640;
  s.height = 360;
  s.x264_preset = "ultrafast";
  s.threads = 2;
  s.poster_format = "";
  return s;
}

VideoQaRequest QaRequestFor(const std::string& video, const Manifest& promised) {
  VideoQaRequest r;
  r.video_path = video;
  r.manifest = &promised;
  r.width = 640;
  r.height = 360;
  return r;
}

}  // namespace aiprod::testing
