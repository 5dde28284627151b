// What QA looks for in one rendition, derived from what its manifest variant
// promised: when to look at each scene (text settled, away from
// transitions), which text and colours must be there, which time ranges must
// move (animations, scene changes) and which must not be black, where speech
// must be heard, and the loudness target.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/json.h"
#include "model/color.h"
#include "model/manifest.h"
#include "qa/technical_checks.h"

namespace aiprod {

// Thresholds, from the configuration (qa.* and render.*).
struct QaSettings {
  double duration_tolerance_s = 0.1;       // at least this, or 2% of the duration
  double av_sync_tolerance_s = 0.1;        // audio vs video length
  double silence_dbfs = -50;               // RMS below this is silence
  double loudness_lufs = -16;              // target when the manifest does not set one
  double loudness_tolerance_lu = 1;        // integrated loudness within target ± this
  double true_peak_dbtp = -1;              // ceiling
  double max_loudness_range_lu = 20;       // LRA above this: levels swing too much
  double max_clipped_fraction = 1e-4;      // of all samples, at full scale
  double black_luma = 25.5;                // a pixel at or below this luma is black
  double black_fraction = 0.98;            // a picture this dark is black
  double frozen_max_change = 0.0005;       // pictures that differ less than this are the same
  double ocr_max_cer = 0.25;               // character error rate of on-screen text
  double palette_max_delta_e = 12;         // a colour this close (CIE76) is "the" colour
  double palette_background_share = 0.05;  // of the picture, for the first palette colour
  double palette_min_share = 0.0003;       // of the picture, for each other palette colour
  double caption_tolerance_s = 0.5;        // captions vs narration start/end
  bool ocr = true;                         // read on-screen text
  bool reference_frames_only = true;       // faster decoding (media_scan.h)
};
QaSettings QaSettingsFromConfig(const Config& config);

// A narration cue as the renderer reported it (render_result.narration_cues).
struct RenderedCue {
  size_t scene = 0;
  double start_s = 0, end_s = 0;
};

struct QaScene {
  size_t scene = 0;
  std::string id;
  double start_s = 0, end_s = 0;    // on the output timeline
  double look_s = 0;                // when to read its text and colours
  std::vector<std::string> texts;   // text layers fully shown at look_s
  bool uneven_background = false;   // a gradient, picture or clip behind the text
  std::vector<Color> palette;       // colours that must be present at look_s
  std::vector<double> black_times;  // must not be black at these times
};

struct QaMotion {
  double from_s = 0, to_s = 0;  // the pictures at these times must differ
  std::string reason;           // "scene 2 animates layer 1", "scene 3 follows scene 2"
};

struct QaNarration {
  size_t scene = 0;
  double start_s = 0, end_s = 0;
  bool end_known = false;  // from the renderer's cues (else an estimate)
  std::string text;
};

struct QaPlan {
  Expectations technical;
  std::string lang;
  std::string ocr_model;  // "" when Tesseract has no model for the language
  std::vector<QaScene> scenes;
  std::vector<QaMotion> motion;
  std::vector<QaNarration> narration;
  bool expect_sound = true;               // narration, tone or music
  std::optional<double> loudness_target;  // when the manifest normalises
  // Every picture the scan must grab, ascending (look, black and motion times).
  std::vector<double> FrameTimes() const;
};

// `markers`: this language's consistency markers ({"scenes": [{"palette":
// ["#rrggbb", ...]}]}) or null to take colours from the manifest. `cues`:
// the renderer's narration cues, or empty to estimate narration spans.
QaPlan PlanQa(const Manifest& m, int width, int height, const QaSettings& settings,
              const Json& markers = nullptr, const std::vector<RenderedCue>& cues = {});

}  // namespace aiprod
