// WebVTT captions: reading a .vtt file, and checking that captions follow the
// narration they transcribe (timing and text).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "qa/qa_plan.h"
#include "qa/report.h"

namespace aiprod {

struct VttCue {
  double start_s = 0, end_s = 0;
  std::string text;  // the cue's lines joined by '\n', tags removed
};

// Parses WebVTT (the "WEBVTT" signature, optional header, cues with
// "[hh:]mm:ss.ttt --> [hh:]mm:ss.ttt [settings]"; NOTE, STYLE and REGION
// blocks are skipped). kInvalidInput naming the line of the first error.
Result<std::vector<VttCue>> ParseWebVtt(std::string_view text);
Result<std::vector<VttCue>> ReadWebVtt(const std::string& path);

// Appends "captions_sync": every narration has captions (each caption counts
// for the narration starting nearest before it) starting (and, when
// the renderer reported where speech ends, ending) within
// `settings.caption_tolerance_s` of it, whose text matches the narration
// (character error rate at most 0.1), and no caption outlasts the video.
void CheckCaptions(const std::vector<VttCue>& captions, const QaPlan& plan, double video_duration_s,
                   const QaSettings& settings, QaReport& report);

}  // namespace aiprod
