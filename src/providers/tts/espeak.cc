#include "providers/tts/espeak.h"

#include "render/speech.h"

namespace aiprod {
namespace {

SpeechRequest ToRequest(const SpeechText& t) { return {t.text, t.voice, t.rate_wpm, t.pitch}; }

class EspeakSpeechEngine final : public SpeechEngine {
 public:
  Result<std::vector<float>> Synthesize(const SpeechText& request) const override {
    return SynthesizeSpeech(ToRequest(request));
  }
  Result<double> DurationS(const SpeechText& request) const override {
    return SpeechDurationS(ToRequest(request));
  }
};

}  // namespace

std::unique_ptr<SpeechEngine> MakeEspeakSpeechEngine() {
  return std::make_unique<EspeakSpeechEngine>();
}

}  // namespace aiprod
