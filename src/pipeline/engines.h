// The engines the stages use, behind interfaces, built once from the
// configuration by MakeEngines and handed to the stages in PipelineServices.
// Another engine (an LLM planner or translator, generated footage, an object
// store) replaces one here without touching a stage; stage tests pass fakes.
//
// The seams: `Renderer` and `VideoChecker` (here), `Planner`
// (creative/planner.h), `Translator` (providers/translate/translator.h),
// `SpeechEngine` (providers/tts/speech_engine.h), `ArtifactStore`
// (artifacts/artifact_store.h). Implementations are thread-safe: one set serves
// every worker thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "artifacts/artifact_store.h"
#include "core/config.h"
#include "creative/planner.h"
#include "model/render_result.h"
#include "providers/translate/translator.h"
#include "providers/tts/speech_engine.h"
#include "qa/video_qa.h"
#include "render/settings.h"

namespace aiprod {

struct PipelineServices;
class JobQueries;

// A manifest variant to a video file (render/renderer.h RenderVideo).
class Renderer {
 public:
  virtual ~Renderer() = default;
  // Writes `out_path` (and captions and poster beside it) atomically; returns
  // the rendition without lang and aspect. `progress` gets fractions 0..1;
  // kCancelled when `cancel` becomes true.
  virtual Result<Rendition> Render(const Manifest& m, const RenderSettings& settings,
                                   const std::string& out_path,
                                   const std::function<void(double)>& progress,
                                   const std::atomic<bool>* cancel) const = 0;
};

// QA of one rendered file against its manifest variant (qa/video_qa.h RunVideoQa).
class VideoChecker {
 public:
  virtual ~VideoChecker() = default;
  // kNotFound / kInvalidInput for a file that cannot be read, kUnavailable
  // when QA cannot run now.
  virtual Result<QaReport> Check(const VideoQaRequest& request, VideoQaTimings* timings) const = 0;
};

// What brands spent this month, for budgets (read-only).
class SpendLedger {
 public:
  virtual ~SpendLedger() = default;
  // The sum of the cost estimates of the brand's jobs created since `since_ms`.
  virtual Result<double> BrandSpendSince(const std::string& brand_id, int64_t since_ms) const = 0;
};

struct Engines {
  std::unique_ptr<SpeechEngine> speech;
  std::unique_ptr<Planner> planner;  // times narration with `speech`
  std::unique_ptr<Translator> translator;
  std::unique_ptr<Renderer> renderer;
  std::unique_ptr<VideoChecker> checker;
  std::unique_ptr<ArtifactStore> artifacts;

  // Points `services` at these engines (which must outlive it).
  void Attach(PipelineServices& services) const;
};

// The engines the configuration names: espeak-ng speech, the deterministic
// planner, Apertium, the local renderer and QA, and the configured artifact
// store (opened on first use, so a bad `storage.dir` fails the deliver stage,
// not start-up). `config` must outlive the engines.
Engines MakeEngines(const Config& config);

// Spend from the jobs' cost estimates in the database.
std::unique_ptr<SpendLedger> MakeSpendLedger(JobQueries& queries);

// Measures speaking time with `speech`, in the configured voice of each language.
SpeechTimer VoiceTimer(const SpeechEngine& speech, const RenderConfig& config);

}  // namespace aiprod
