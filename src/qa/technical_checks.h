// Technical checks of a rendered file against what the manifest and the
// render settings promised: streams, codecs, geometry, timing, audio presence.
#pragma once

#include <vector>

#include "model/manifest.h"
#include "qa/probe.h"
#include "qa/report.h"

namespace aiprod {

struct Expectations {
  int width = 1920, height = 1080;
  double fps = 30;
  double duration_s = 0;  // from the manifest
  double duration_tolerance_s = 0.1;
  double av_sync_tolerance_s = 0.1;
  double silence_dbfs = -50;  // RMS below this is silence
  struct Cue {
    double start_s, end_s;
  };
  std::vector<Cue> narration;  // where speech must be heard
  bool expect_sound = true;    // false: a silent soundtrack is what was asked for
};

Expectations ExpectationsFor(const Manifest& m, int width, int height);

// Appends one check per property to `report`.
void RunTechnicalChecks(const MediaProbe& probe, const Expectations& want, QaReport& report);

}  // namespace aiprod
