// How a manifest is rendered: output size, encoder and audio targets.
#pragma once

#include <string>
#include <string_view>

#include "core/config.h"
#include "core/error.h"

namespace aiprod {

struct RenderSettings {
  // Output size in pixels (even, 16..8192). The manifest canvas is scaled
  // uniformly to fit and centred; uncovered bands are black.
  int width = 1920, height = 1080;
  // Used only when the manifest's canvas.fps is 0: the manifest's frame rate
  // wins, because its timings (transitions, animations) are authored for it.
  int fps = 30;
  int crf = 23;                          // libx264 CRF, 0..51
  std::string x264_preset = "veryfast";  // ultrafast .. veryslow
  // Encoder threads, and the budget for drawing threads; 0 means
  // std::thread::hardware_concurrency(). The output bytes depend on it.
  int threads = 0;
  bool draft = false;          // informative: SettingsForAspect already applied it
  double loudness_lufs = -16;  // integrated loudness target (manifest audio may override)
  double true_peak_dbtp = -1;  // ceiling applied after loudness normalisation
  int audio_bitrate_kbps = 128;
  int voice_rate_wpm = 160;  // espeak-ng, 80..450
  int voice_pitch = 50;      // espeak-ng, 0..100
};

// Settings for an aspect ratio ("16:9" -> 1920x1080, "9:16" -> 1080x1920,
// "1:1" -> 1080x1080) with encoder and audio values from `config`. `draft`
// halves the size and uses the ultrafast preset. Unknown aspect: kInvalidInput
// naming "aspect".
Result<RenderSettings> SettingsForAspect(std::string_view aspect, const RenderConfig& config,
                                         bool draft);

// Checks every field; errors name it ("settings.width").
Status ValidateSettings(const RenderSettings& s);

}  // namespace aiprod
