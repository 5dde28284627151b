// approve (interactive creative control): passes automatically unless the
// brief asked for review; then the job parks until a human approves it.
#include "pipeline/stages/stages.h"

namespace aiprod {
namespace {

class ApproveStage final : public Stage {
 public:
  std::string_view Name() const override { return "approve"; }
  JobState State() const override { return JobState::kAwaitingApproval; }

  StageOutcome Run(const StageContext& ctx) const override {
    const Job& job = ctx.job;
    if (job.brief.review && !job.approved) {
      StageOutcome o;
      o.kind = StageOutcome::Kind::kNeedsApproval;
      return o;
    }
    JobPatch patch;
    Json out = {{"approved_by", job.approved ? "reviewer" : "auto"}};
    if (!job.approved) {
      patch.approved = true;
      patch.approval_timestamp_ms = ctx.services.clock->NowMs();
      // No reviewer: nobody edits it either (edits need a job held for review).
      patch.approved_revision = ManifestRevision(job.production_manifest);
    }
    return StageOutcome::Done(out, std::move(patch));
  }
};

}  // namespace

std::unique_ptr<Stage> MakeApproveStage() { return std::make_unique<ApproveStage>(); }

}  // namespace aiprod
