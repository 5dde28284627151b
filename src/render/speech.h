// Narration speech from espeak-ng, resampled to the output rate.
//
// Reproducible: the same request gives the same samples in any process;
// each call synthesises with a fresh espeak-ng in a helper process
// (speech_helper.h): about 15 ms per call plus, once per process, starting
// the helper. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace aiprod {

inline constexpr int kAudioSampleRate = 48000;

struct SpeechRequest {
  std::string text;    // UTF-8; empty gives no samples
  std::string voice;   // espeak-ng voice name: "en", "fr", "es", "ca", ...
  int rate_wpm = 160;  // 80..450
  int pitch = 50;      // 0..100
};

// 48 kHz mono samples in [-1, 1], leading and trailing silence trimmed, so
// sample 0 is the onset of speech. Fails with kInvalidInput naming "voice" for
// an unknown voice, "rate_wpm"/"pitch" when out of range.
Result<std::vector<float>> SynthesizeSpeech(const SpeechRequest& request);

// Length in seconds of what SynthesizeSpeech returns for `request`.
Result<double> SpeechDurationS(const SpeechRequest& request);

}  // namespace aiprod
