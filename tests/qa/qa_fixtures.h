// Manifests and renders for the QA tests: a small two-scene video as
// promised, and renders of it broken in one way each.
#pragma once

#include <string>

#include "model/manifest.h"
#include "qa/qa_plan.h"
#include "qa/video_qa.h"
#include "render/settings.h"

namespace aiprod::testing {

Color Hex(const std::string& hex);

// 640x360 at 25 fps, 2 x 2 s:
//  scene 0: solid #1565C0, white title "Fresh roast coffee", narration at 0.1 s
//    ("Fresh roast coffee.");
//  scene 1: crossfades in over 0.4 s; solid #2E7D32, white title "Order today",
//    a #FFB300 80x80 box moving x 40 -> 520 over the scene, narration at 0.2 s.
// Normalised to the default loudness target.
Manifest PromisedManifest();

// 640x360 (the canvas as drawn), ultrafast, 2 threads, no poster.
RenderSettings TestRenderSettings();

// A QA request for `video` against `promised` at 640x360.
VideoQaRequest QaRequestFor(const std::string& video, const Manifest& promised);

}  // namespace aiprod::testing
