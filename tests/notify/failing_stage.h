// A stage that fails for good ("cannot plan this"): a job run with it ends
// failed, which sends its webhook.
#pragma once

#include "pipeline/stage.h"

namespace aiprod::testing {

class FailingStage final : public Stage {
 public:
  std::string_view Name() const override { return "plan"; }
  JobState State() const override { return JobState::kPlanning; }
  StageOutcome Run(const StageContext&) const override {
    return StageOutcome::FromError({ErrorCode::kInvalidInput, "cannot plan this", ""});
  }
};

}  // namespace aiprod::testing
