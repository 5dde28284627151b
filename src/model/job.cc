#include "model/job.h"

#include <array>

#include "core/clock.h"

namespace aiprod {
namespace {

constexpr std::array<std::pair<JobState, std::string_view>, 14> kStates = {{
    {JobState::kQueued, "queued"},
    {JobState::kPlanning, "planning"},
    {JobState::kLocalizing, "localizing"},
    {JobState::kCheckingConsistency, "checking_consistency"},
    {JobState::kEstimating, "estimating"},
    {JobState::kAwaitingApproval, "awaiting_approval"},
    {JobState::kRendering, "rendering"},
    {JobState::kQa, "qa"},
    {JobState::kDelivering, "delivering"},
    {JobState::kDelivered, "delivered"},
    {JobState::kFailed, "failed"},
    {JobState::kCancelled, "cancelled"},
    {JobState::kQaFailed, "qa_failed"},
    {JobState::kDead, "dead"},
}};

Json OrNull(const Json& j) { return j.is_null() ? Json() : j; }

}  // namespace

std::string_view StateName(JobState s) {
  for (const auto& [state, name] : kStates) {
    if (state == s) return name;
  }
  return "unknown";
}

std::optional<JobState> StateFromName(std::string_view name) {
  for (const auto& [state, n] : kStates) {
    if (n == name) return state;
  }
  return std::nullopt;
}

bool IsTerminal(JobState s) {
  return s == JobState::kDelivered || s == JobState::kFailed || s == JobState::kCancelled ||
         s == JobState::kQaFailed || s == JobState::kDead;
}

Json JobToJson(const Job& job, JobFields fields) {
  const bool all = fields == JobFields::kAll;
  Json j = BriefToJson(job.brief);
  j["id"] = job.id;
  j["state"] = StateName(job.state);
  j["production_manifest"] = OrNull(job.production_manifest);
  j["consistency_markers"] = OrNull(job.consistency_markers);
  j["cost_estimate"] = OrNull(job.cost_estimate);
  if (all) j["render_result"] = OrNull(job.render_result);
  j["qa_report"] = OrNull(job.qa_report);
  j["approved"] = job.approved;
  j["approval_timestamp"] =
      job.approval_timestamp_ms ? Json(FormatTimestamp(*job.approval_timestamp_ms)) : Json();
  j["edits_history"] = job.edits_history;
  if (all) j["options"] = job.options;
  j["error"] = job.error.empty() ? Json() : Json(job.error);
  j["attempts"] = job.attempts;
  if (job.cancel_requested) j["cancel_requested"] = true;
  j["max_attempts"] = job.max_attempts;
  if (all) {
    j["lease"] = job.lease_owner.empty()
                     ? Json()
                     : Json{{"owner", job.lease_owner},
                            {"expires_at", FormatTimestamp(job.lease_expires_ms)},
                            {"epoch", job.lease_epoch}};
  }
  j["created_at"] = FormatTimestamp(job.created_at_ms);
  j["updated_at"] = FormatTimestamp(job.updated_at_ms);
  return j;
}

Json JobEventToJson(const JobEvent& e) {
  Json j = {{"id", e.id},
            {"job_id", e.job_id},
            {"type", e.type},
            {"created_at", FormatTimestamp(e.created_at_ms)}};
  if (!e.from_state.empty()) j["from_state"] = e.from_state;
  if (!e.to_state.empty()) j["to_state"] = e.to_state;
  if (!e.data.empty()) j["data"] = e.data;
  return j;
}

}  // namespace aiprod
