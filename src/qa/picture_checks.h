// The checks QA makes on sampled pictures: black where the manifest draws
// something bright, frozen where it animates or changes scene, the brand
// palette present, the on-screen text readable (OCR against the manifest).
#pragma once

#include <map>
#include <vector>

#include "qa/frame_metrics.h"
#include "qa/ocr.h"
#include "qa/qa_plan.h"
#include "qa/report.h"

namespace aiprod {

// What was measured on the picture grabbed for one requested time.
struct PictureSample {
  double shown_s = -1;  // < 0: the video had no picture at that time
  GreyThumb thumb;
  double dark_fraction = 0;
  std::vector<ColourShare> colours;  // only for the scenes' look times
};

struct PictureSamples {
  std::vector<PictureSample> samples;  // indexed like QaPlan::FrameTimes()
  std::map<double, size_t> by_time;
  void resize(size_t n) { samples.resize(n); }
  PictureSample& operator[](size_t i) { return samples[i]; }
  // The sample grabbed for `t`, or nullptr when there is none.
  const PictureSample* At(double t) const;
};

// "black_frames": no sampled picture is black where the plan says it must not be.
void BlackFrameCheck(const QaPlan& plan, const PictureSamples& s, const QaSettings& settings,
                     QaReport& report);
// "frozen_frames": the pictures of each QaMotion pair differ.
void FrozenFrameCheck(const QaPlan& plan, const PictureSamples& s, const QaSettings& settings,
                      QaReport& report);
// "brand_palette": each scene's palette colours are present at its look time.
void PaletteCheck(const QaPlan& plan, const PictureSamples& s, const QaSettings& settings,
                  QaReport& report);
// "ocr_text[i]" per scene with text: the character error rate of its texts
// against what OCR read at its look time.
void OcrChecks(const QaPlan& plan, const std::map<size_t, OcrText>& read,
               const QaSettings& settings, QaReport& report);

}  // namespace aiprod
