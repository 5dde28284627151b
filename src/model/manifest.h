// The production manifest: what a video contains, scene by scene. Versioned
// JSON, documented in docs/manifest.md. A `Manifest` is one language variant
// and is what the renderer draws; a `ProductionManifest` (the job's
// `production_manifest` column) holds every variant of a job plus its revision.
//
// Coordinates are in canvas units (canvas.width x canvas.height, top-left
// origin); the renderer scales the canvas to the output size. Text layers
// without an explicit box or baseline are placed by role, per aspect ratio.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "model/color.h"

namespace aiprod {

inline constexpr int kManifestVersion = 1;

struct ManifestLimits {
  double min_scene_s = 0.5;
  double max_scene_s = 60;
  size_t max_scenes = 60;
  double max_total_s = 600;
  int max_canvas_px = 4096;
  size_t max_layers_per_scene = 32;
  size_t max_text_chars = 2000;
};

struct Canvas {
  int width = 1920;
  int height = 1080;
  int fps = 30;
};

struct Background {
  enum class Kind { kSolid, kLinear };
  Kind kind = Kind::kSolid;
  Color color{0, 0, 0, 255};  // kSolid
  Color from, to;             // kLinear: two stops, interpolated in sRGB values
  enum class Direction { kToBottom, kToRight };
  Direction direction = Direction::kToBottom;
};

enum class Easing { kLinear, kEaseIn, kEaseOut, kEaseInOut };

// Animates one numeric property of a layer between two scene-local times.
struct Animation {
  enum class Property { kX, kY, kOpacity, kScale };
  Property property = Property::kOpacity;
  double from = 0, to = 1;
  double start_s = 0;
  std::optional<double> end_s;  // default: the end of the scene
  Easing easing = Easing::kLinear;
};

struct Box {
  double x = 0, y = 0, w = 0, h = 0;
};

enum class TextRole { kTitle, kSubtitle, kBody, kCaption, kCta };
enum class TextAlign { kCenter, kStart, kEnd };

struct TextLayer {
  std::string text;
  TextRole role = TextRole::kTitle;
  std::string font = "DejaVu Sans";  // Pango family (+ style words: "DejaVu Sans Bold")
  std::optional<double> size_px;     // default: from role and canvas height
  Color color{255, 255, 255, 255};
  TextAlign align = TextAlign::kCenter;
  std::optional<Box> box;            // wrap and fit inside this box
  std::optional<double> baseline_y;  // one line, baseline here, centred on `x`
  std::optional<double> x;           // with baseline_y: centre x (default: canvas centre)
};

struct RectLayer {
  Box box;
  Color color{255, 255, 255, 255};
};

struct Layer {
  enum class Kind { kText, kRect };
  Kind kind = Kind::kText;
  TextLayer text;  // kText
  RectLayer rect;  // kRect
  std::vector<Animation> animations;
};

struct Narration {
  std::string text;
  double start_s = 0;  // offset from the scene start
};

// How a scene enters over the previous one. The two scenes overlap for
// `duration_s`: a scene starts `duration_s` before the previous one ends.
struct Transition {
  enum class Kind { kCut, kCrossfade };
  Kind kind = Kind::kCut;
  double duration_s = 0;
};

struct Scene {
  std::string id;
  double duration_s = 3;
  Background background;
  std::vector<Layer> layers;
  std::optional<Narration> narration;
  Transition transition;  // into this scene; ignored for the first scene
};

struct Tone {
  double frequency_hz = 440;
  double amplitude = 0.1;  // linear, 0..1
};

struct AudioSpec {
  bool normalize = true;                // EBU R128 normalization to loudness_lufs
  std::optional<double> loudness_lufs;  // default from the render settings
  std::optional<Tone> tone;             // a test tone under everything (benchmarks)
};

struct Manifest {
  int manifest_version = kManifestVersion;
  std::string title;
  std::string lang = "en";
  bool rtl = false;
  std::string voice;  // espeak-ng voice; default from lang
  Canvas canvas;
  AudioSpec audio;
  std::vector<Scene> scenes;

  // Scene i's start on the output timeline, honouring transition overlaps.
  std::vector<double> SceneStarts() const;
  double TotalDuration() const;
};

// A job's manifests: one variant per language (the source language first) and
// the revision number that edits increment.
struct ProductionManifest {
  int revision = 1;
  std::vector<Manifest> variants;
  const Manifest* Find(std::string_view lang) const;
};

// Parse and validate; errors name the field path (`scenes[3].duration_s`).
Result<Manifest> ManifestFromJson(const Json& j, const ManifestLimits& limits = {});
Json ManifestToJson(const Manifest& m);
Result<ProductionManifest> ProductionManifestFromJson(const Json& j,
                                                      const ManifestLimits& limits = {});
Json ProductionManifestToJson(const ProductionManifest& p);

// Names used in JSON.
std::string_view TextRoleName(TextRole r);

}  // namespace aiprod
