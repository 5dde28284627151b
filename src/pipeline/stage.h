// A pipeline stage: reads the job (and earlier checkpoints) and returns an
// outcome; it holds no per-job state and never changes the job itself. The
// runner persists the outcome (checkpoint + state change in one transaction)
// and decides what runs next. Stages must be idempotent: a stage interrupted
// by a crash runs again from the start on the next claim.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "creative/brand_source.h"
#include "model/event_type.h"
#include "model/job.h"
#include "pipeline/engines.h"
#include "store/store.h"  // JobPatch, JobState

namespace aiprod {

class JobEndHook;  // pipeline/job_end_hook.h

// What every stage may use. Not owned; outlives the runner. Stages never
// write the store: the runner holds it and persists what they return.
struct PipelineServices {
  const Config* config = nullptr;
  const Clock* clock = nullptr;
  const BrandSource* brands = nullptr;
  const SpendLedger* spend = nullptr;  // spend per brand (budgets); optional
  Logger log = Logger::Null();
  unsigned cores = 1;
  JobEndHook* job_end = nullptr;  // told when a job ends (webhooks); may be null
  // The engines (pipeline/engines.h; Engines::Attach sets them).
  const SpeechEngine* speech = nullptr;
  const Planner* planner = nullptr;
  const Translator* translator = nullptr;  // null: no translation
  const Renderer* renderer = nullptr;
  const VideoChecker* checker = nullptr;
  ArtifactStore* artifacts = nullptr;
};

struct StageContext {
  const Job& job;
  const PipelineServices& services;
  std::string work_dir;                  // per-job scratch directory (exists)
  const std::atomic<bool>& cancel;       // set when the stage must stop (lease lost, shutdown)
  std::function<void(double)> progress;  // fraction of this stage done, 0..1
  Logger log;                            // carries job_id and stage
  // How many times this stage already sent the job back to an earlier state
  // (StageOutcome::retry_from), from the job's history.
  int sent_back = 0;
};

// An event a stage reports (the runner appends it with the outcome).
struct StageEvent {
  EventType type = EventType::kStateChanged;
  Json data;
};

struct StageOutcome {
  enum class Kind {
    kDone,           // advance to the next state with `checkpoint` and `patch`
    kNeedsApproval,  // park until a human approves
    kRetry,          // transient failure: try again later (error says why)
    kFailed,         // permanent failure (error says why)
    kQaFailed,       // the output does not meet its checks: hold for a human
  };
  Kind kind = Kind::kDone;
  // kRetry: run again from this earlier state instead of this stage's (QA
  // asking for a new render of a damaged file).
  std::optional<JobState> retry_from;
  Json checkpoint;
  JobPatch patch;
  Error error;
  std::vector<StageEvent> events;  // appended whatever the kind

  static StageOutcome Done(Json checkpoint, JobPatch patch = {});
  // kRetry for retryable errors (unavailable, io), kFailed otherwise.
  static StageOutcome FromError(Error e);
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view Name() const = 0;  // checkpoint name: "plan", "render", ...
  virtual JobState State() const = 0;         // the job state in which this stage runs
  virtual StageOutcome Run(const StageContext& ctx) const = 0;
};

}  // namespace aiprod
