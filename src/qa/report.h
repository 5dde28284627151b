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
  std::string detail;  // one line for people when it fails
};

struct QaReport {
  std::vector<QaCheck> checks;
  bool Passed() const;
  double Score() const;  // fraction of checks passed, 0..1
  Json ToJson() const;   // {"passed", "score", "checks": [{name, value, threshold, passed}], ...}
  std::string Summary() const;  // "12/12 checks passed" or the failures, one per line
};

}  // namespace aiprod
