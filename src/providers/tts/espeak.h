// The espeak-ng speech engine: the renderer's own synthesis (render/speech.h,
// a fresh espeak-ng per request in a helper process, so reproducible).
#pragma once

#include <memory>

#include "providers/tts/speech_engine.h"

namespace aiprod {

std::unique_ptr<SpeechEngine> MakeEspeakSpeechEngine();

}  // namespace aiprod
