// QA of one rendered file against its manifest variant: the technical checks
// (streams, geometry, timing, integrity, loudness, clipping) and the semantic
// ones (on-screen text by OCR, narration, brand palette, black and frozen
// pictures where the manifest does not ask for them, captions), from one pass
// over the file that samples pictures and streams the whole soundtrack.
//
// Thread-safe: calls share no state (OCR runs in a helper process; ocr.h).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "model/manifest.h"
#include "qa/qa_plan.h"
#include "qa/report.h"

namespace aiprod {

struct VideoQaRequest {
  std::string video_path;
  const Manifest* manifest = nullptr;  // required
  int width = 0, height = 0;           // the size the rendition must have
  Json markers;                        // this language's consistency markers, or null
  std::vector<RenderedCue> cues;       // the renderer's narration cues, or empty
  std::string captions_path;           // a WebVTT file to check, or empty
  QaSettings settings;
};

// Where the time went, for the benchmark.
struct VideoQaTimings {
  double scan_s = 0;      // decoding, picture and audio measurements
  double ocr_s = 0;       // Tesseract on its own thread, overlapping the scan
                          // (helper start and model load included)
  double ocr_wait_s = 0;  // after the scan, waiting for the last reading
  double total_s = 0;
};

// The report of every check. Errors only when no check can run: kNotFound
// (no such file), kInvalidInput (not media libavformat can open, or no
// manifest), kUnavailable (OCR could not run: try again later).
Result<QaReport> RunVideoQa(const VideoQaRequest& request, VideoQaTimings* timings = nullptr);

}  // namespace aiprod
