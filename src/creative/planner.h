// Creative direction: a brief becomes a production manifest (one variant, in
// the brief's language). `Planner` is the seam for an LLM-backed planner later;
// `DeterministicPlanner` is the offline default: the same brief and settings
// always give the same manifest.
#pragma once

#include <functional>
#include <string>

#include "core/config.h"
#include "model/brief.h"
#include "model/manifest.h"

namespace aiprod {

// How long `text` takes to say in `lang`, in seconds. The pipeline measures it
// with the real voice; tests may estimate.
using SpeechTimer = std::function<Result<double>(const std::string& text, const std::string& lang)>;

// A timer from words per minute alone.
SpeechTimer WordRateTimer(double words_per_minute);

class Planner {
 public:
  virtual ~Planner() = default;
  virtual Result<Manifest> Plan(const Brief& brief) const = 0;
};

// Pacing of a preset: how long scenes aim to be, how they join.
struct PresetStyle {
  std::string name;
  double target_scene_s;  // group sentences into scenes of about this length
  double lead_s;          // silence before a scene's narration
  double tail_s;          // silence after it
  Transition transition;  // between scenes
};
Result<PresetStyle> StyleForPreset(const std::string& preset);

class DeterministicPlanner final : public Planner {
 public:
  DeterministicPlanner(PlannerConfig config, SpeechTimer timer, ManifestLimits limits = {});
  Result<Manifest> Plan(const Brief& brief) const override;

 private:
  PlannerConfig config_;
  SpeechTimer timer_;
  ManifestLimits limits_;
};

// Sets every scene's duration from its narration's speaking time (measured by
// `timer` in the manifest's language): fade in, lead-in, speech, and a tail
// long enough for the next scene's fade. Used after planning and after
// translation, whose narration may run longer or shorter.
Status RetimeScenes(Manifest& m, const PresetStyle& style, const PlannerConfig& config,
                    const SpeechTimer& timer);

// Scene durations honour a brief's duration hint within ±15%.
inline constexpr double kHintTolerance = 0.85;
// Lengthens the pauses after narration so the video reaches at least 85% of
// `hint_s` (never shortens speech; each scene stays within `max_scene_s`).
void FitToHint(Manifest& m, double hint_s, double max_scene_s);

// The short on-screen phrase for a sentence: its first clause, at most
// `max_words` words, without trailing filler words or punctuation.
std::string KeyPhrase(const std::string& sentence, int max_words);
// True if the sentence reads as a call to action ("Order today ...").
bool IsCallToAction(const std::string& sentence);

}  // namespace aiprod
