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

struct Config;
// The limits the configuration sets (limits.max_scenes, render.max_duration_s).
ManifestLimits ManifestLimitsFor(const Config& config);

struct Canvas {
  int width = 1920;
  int height = 1080;
  int fps = 30;
};

// How an image fills a rectangle: `kFit` shows all of it (letterboxed, aspect
// kept), `kFill` stretches it to the rectangle, `kCrop` covers the rectangle
// (aspect kept, the overflow cut off).
enum class ImageFit { kFit, kFill, kCrop };

// Asset paths (`asset` fields) are relative to the job's asset directory:
// never absolute, never with a `..` component. The renderer also refuses
// symlinks that lead out of the directory.
struct Background {
  enum class Kind { kSolid, kLinear, kImage, kVideo };
  Kind kind = Kind::kSolid;
  // kSolid: the colour; kImage/kVideo: what shows around a `kFit` picture.
  Color color{0, 0, 0, 255};
  Color from, to;  // kLinear: two stops, interpolated in sRGB values
  enum class Direction { kToBottom, kToRight };
  Direction direction = Direction::kToBottom;
  std::string asset;               // kImage (PNG, JPEG, WebP), kVideo (any FFmpeg-readable clip)
  ImageFit fit = ImageFit::kCrop;  // kImage, kVideo: over the whole canvas
  double clip_start_s = 0;         // kVideo: clip time shown at the scene's start
  bool loop = true;                // kVideo: restart at the end (else hold the last frame)
};

enum class Easing { kLinear, kEaseIn, kEaseOut, kEaseInOut };

// Animates one numeric property of a layer between two scene-local times.
struct Animation {
  // kReveal (text only): the fraction of characters shown, in reading order
  // (typewriter); the layout is that of the whole text, so nothing moves.
  enum class Property { kX, kY, kOpacity, kScale, kReveal };
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

struct TextOutline {
  Color color{0, 0, 0, 255};
  double width_px = 2;  // canvas units, drawn outside the glyphs
};

struct TextShadow {
  Color color{0, 0, 0, 160};
  double dx = 3, dy = 3;  // canvas units
  double blur_px = 0;     // canvas units; 0: a hard shadow
};

struct TextLayer {
  std::string text;
  TextRole role = TextRole::kTitle;
  std::string font = "DejaVu Sans";  // Pango family (+ style words: "DejaVu Sans Bold")
  std::optional<double> size_px;     // default: from role and canvas height
  // Shrinking to fit stops here (default: half of the size); below it the
  // render fails naming the layer.
  std::optional<double> min_size_px;
  Color color{255, 255, 255, 255};
  TextAlign align = TextAlign::kCenter;
  std::optional<Box> box;            // wrap and fit inside this box
  std::optional<double> baseline_y;  // one line, baseline here, centred on `x`
  std::optional<double> x;           // with baseline_y: centre x (default: canvas centre)
  std::optional<TextOutline> outline;
  std::optional<TextShadow> shadow;
};

struct RectLayer {
  Box box;
  Color color{255, 255, 255, 255};
};

// A picture (PNG, JPEG, WebP) placed in a box.
struct ImageLayer {
  std::string asset;
  Box box;
  ImageFit fit = ImageFit::kFit;
};

// A brand logo in a corner of the safe area, aspect kept.
struct LogoLayer {
  enum class Corner { kTopLeft, kTopRight, kBottomLeft, kBottomRight };
  std::string asset;
  Corner corner = Corner::kTopRight;
  std::optional<double> height;  // canvas units; default 10% of the canvas height
  std::optional<double> margin;  // canvas units from the edges; default 5% of the short side
};

struct Layer {
  enum class Kind { kText, kRect, kImage, kLogo };
  Kind kind = Kind::kText;
  TextLayer text;    // kText
  RectLayer rect;    // kRect
  ImageLayer image;  // kImage
  LogoLayer logo;    // kLogo
  std::vector<Animation> animations;
};

struct Narration {
  std::string text;
  double start_s = 0;  // offset from the scene start
  // espeak-ng words per minute (80..450) and pitch (0..100); default: the
  // manifest's voice_rate_wpm / voice_pitch, else the render settings.
  std::optional<int> rate_wpm{}, pitch{};
};

// How a scene enters over the previous one. The two scenes overlap for
// `duration_s`: a scene starts `duration_s` before the previous one ends.
// kCrossfade blends; kWipe reveals the new scene behind an edge moving in
// `direction`; kSlide moves the new scene in over the old one, travelling in
// `direction` (kLeft: it enters from the right).
struct Transition {
  enum class Kind { kCut, kCrossfade, kWipe, kSlide };
  Kind kind = Kind::kCut;
  double duration_s = 0;
  enum class Direction { kLeft, kRight, kUp, kDown };
  Direction direction = Direction::kLeft;
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

// Background music under the whole video, ducked while narration speaks.
struct Music {
  std::string asset;       // any FFmpeg-readable audio file in the asset directory
  double volume_db = -18;  // gain applied to the file
  double duck_db = -12;    // extra gain while narration is heard
  double fade_in_s = 0.5, fade_out_s = 1.5;
  bool loop = true;  // repeat to fill the video (else silence after its end)
};

struct AudioSpec {
  bool normalize = true;                // EBU R128 normalization to loudness_lufs
  std::optional<double> loudness_lufs;  // default from the render settings
  std::optional<Tone> tone;             // a test tone under everything (benchmarks)
  std::optional<Music> music;
};

// Captions from the narration: the renderer always writes a WebVTT file;
// `burn_in` also draws them into the picture, in this style.
struct CaptionStyle {
  bool burn_in = false;
  std::string font = "DejaVu Sans Bold";
  std::optional<double> size_px;  // canvas units; default 4.5% of the canvas height
  Color color{255, 255, 255, 255};
  Color background{0, 0, 0, 160};  // a box behind each caption; alpha 0 for none
};

// Which frame becomes the poster image: scene `scene` at `at_s` (scene-local;
// default two thirds into the scene, when entrance animations are done).
struct PosterSpec {
  size_t scene = 0;
  std::optional<double> at_s;
};

struct Manifest {
  int manifest_version = kManifestVersion;
  std::string title;
  std::string lang = "en";
  bool rtl = false;
  std::string voice;                               // espeak-ng voice; default from lang
  std::optional<int> voice_rate_wpm, voice_pitch;  // default: the render settings
  Canvas canvas;
  AudioSpec audio;
  CaptionStyle captions;
  PosterSpec poster;
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
// One scene as in ManifestToJson (the renderer hashes it for its scene cache).
Json SceneToJson(const Scene& s);
Result<ProductionManifest> ProductionManifestFromJson(const Json& j,
                                                      const ManifestLimits& limits = {});
Json ProductionManifestToJson(const ProductionManifest& p);

// The `revision` of a stored production manifest as JSON (0 when there is none).
int64_t ManifestRevision(const Json& manifest);

// Names used in JSON.
std::string_view TextRoleName(TextRole r);

// Syntax of an asset path: relative, no `..`, no empty or `.` components, no
// backslash or control characters, at most 255 bytes. kInvalidInput naming `field`.
Status CheckAssetPath(std::string_view path, const std::string& field);

}  // namespace aiprod
