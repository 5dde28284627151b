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

bool IsRetryable(JobState s) {
  return s == JobState::kFailed || s == JobState::kQaFailed || s == JobState::kDead;
}

void WriteJobMembers(JsonWriter& w, const Job& job, JobFields fields) {
  const bool all = fields == JobFields::kAll;
  WriteBriefMembers(w, job.brief);
  w.Member("id", job.id)
      .Member("state", StateName(job.state))
      .Member("production_manifest", job.production_manifest)
      .Member("consistency_markers", job.consistency_markers)
      .Member("cost_estimate", job.cost_estimate);
  if (all) w.Member("render_result", job.render_result);
  w.Member("qa_report", job.qa_report).Member("approved", job.approved).Key("approval_timestamp");
  if (job.approval_timestamp_ms) {
    w.String(FormatTimestamp(*job.approval_timestamp_ms));
  } else {
    w.Null();
  }
  w.Key("approved_revision");
  if (job.approved_revision) {
    w.Int(*job.approved_revision);
  } else {
    w.Null();
  }
  w.Member("edits_history", job.edits_history);
  if (all) w.Member("options", job.options);
  w.Key("error");
  if (job.error.empty()) {
    w.Null();
  } else {
    w.String(job.error);
  }
  w.Member("attempts", job.attempts);
  if (job.cancel_requested) w.Member("cancel_requested", true);
  w.Member("max_attempts", job.max_attempts);
  if (all) {
    w.Key("lease");
    if (job.lease_owner.empty()) {
      w.Null();
    } else {
      w.BeginObject()
          .Member("owner", job.lease_owner)
          .Member("expires_at", FormatTimestamp(job.lease_expires_ms))
          .Member("epoch", job.lease_epoch)
          .EndObject();
    }
  }
  w.Member("created_at", FormatTimestamp(job.created_at_ms))
      .Member("updated_at", FormatTimestamp(job.updated_at_ms));
}

Json JobToJson(const Job& job, JobFields fields) {
  JsonWriter w;
  w.BeginObject();
  WriteJobMembers(w, job, fields);
  w.EndObject();
  return Json::parse(w.text());
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
