// A QA report: every check with its measured value, threshold and verdict.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"

namespace aiprod {

struct QaCheck {
  std::string name;  // stable: "video_codec", "duration", ...
  Json value;        // what was measured
  Json threshold;    // what it had to be
  bool passed = false;
  std::string detail;  // one line for people when it fails (or why it was skipped)
  // A failure a second render may fix (a truncated or undecodable file), as
  // opposed to a render that is wrong.
  bool transient = false;
  // Could not be measured here (e.g. no OCR model for the language): passed,
  // left out of the score, listed in the summary.
  bool skipped = false;
};

struct QaReport {
  std::vector<QaCheck> checks;
  bool Passed() const;
  // True when a failing check is transient: the other failures may follow
  // from it (a truncated file is also too short), so render again first.
  bool FailedTransiently() const;
  double Score() const;  // fraction of the measured checks that passed, 0..1
  // {"passed", "score", "summary", "checks": [{name, value, threshold, passed,
  // detail?, transient?, skipped?}]}
  Json ToJson() const;
  // "12/12 checks passed" (", 1 skipped"), then the failures, one per line.
  std::string Summary() const;
};

}  // namespace aiprod
