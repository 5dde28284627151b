// espeak-ng synthesis isolated in helper processes.
//
// espeak-ng 1.51 keeps hidden state from one synthesis to the next (statics
// in its wave generator), so the same text spoken twice in one process gives
// slightly different samples, and it changes process-wide state (locale,
// callbacks). For reproducible renders every synthesis therefore starts from
// a fresh espeak-ng: a long-lived helper process (this executable re-run via
// /proc/self/exe, caught before main() by a constructor in speech_helper.cc)
// forks one short-lived child per request; the child initialises espeak-ng
// (about 10 ms), synthesises, and hands the samples back. The helper is
// started on first use, restarted if it dies, and exits when this process
// closes its end of the socket (at exit).
//
// Thread-safe: requests are serialised over the one helper.
#pragma once

#include <cstdint>
#include <vector>

#include "core/error.h"
#include "render/speech.h"

namespace aiprod {

struct RawSpeech {
  std::vector<int16_t> samples;  // mono, untrimmed
  int rate = 0;                  // espeak-ng's output rate (22050 Hz)
};

// Precondition: the request was validated (voice name characters, rate and
// pitch ranges). kInvalidInput naming "voice" when espeak-ng has no such
// voice; kUnavailable when the helper cannot be started or stops answering.
Result<RawSpeech> SynthesizeWithHelper(const SpeechRequest& request);

}  // namespace aiprod
