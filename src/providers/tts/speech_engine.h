// Text-to-speech seam. The offline default is espeak-ng (espeak.h); another
// engine can implement the same interface later.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace aiprod {

struct SpeechText {
  std::string text;    // UTF-8; empty gives no samples
  std::string voice;   // the engine's voice name ("en", "fr", ...)
  int rate_wpm = 160;  // speaking rate
  int pitch = 50;      // 0..100
};

class SpeechEngine {
 public:
  virtual ~SpeechEngine() = default;
  // 48 kHz mono samples in [-1, 1], silence trimmed at both ends. kInvalidInput
  // naming "voice", "rate_wpm" or "pitch" for what the engine cannot speak.
  virtual Result<std::vector<float>> Synthesize(const SpeechText& request) const = 0;
  // Length in seconds of what Synthesize returns.
  virtual Result<double> DurationS(const SpeechText& request) const = 0;
};

}  // namespace aiprod
