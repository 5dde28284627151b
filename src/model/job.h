// A job and its events: the rows of the original plan's `jobs` and
// `job_events` tables, plus queue fields (attempts, lease, fencing epoch).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "model/brief.h"

namespace aiprod {

// The pipeline's states, in order; the last five are off the main path.
enum class JobState {
  kQueued,
  kPlanning,
  kLocalizing,
  kCheckingConsistency,
  kEstimating,
  kAwaitingApproval,
  kRendering,
  kQa,
  kDelivering,
  kDelivered,  // terminal: artifacts delivered
  kFailed,     // terminal: a stage failed for good (reason in `error`)
  kCancelled,  // terminal: cancelled by a user
  kQaFailed,   // held for a human with the QA report
  kDead,       // terminal: retries spent
};

std::string_view StateName(JobState s);
std::optional<JobState> StateFromName(std::string_view name);
// No worker will ever pick the job up again by itself.
bool IsTerminal(JobState s);
// Failed, qa_failed or dead: the states `Retry` starts again.
bool IsRetryable(JobState s);

struct Job {
  std::string id;
  Brief brief;
  JobState state = JobState::kQueued;
  Json production_manifest;  // null until planned
  Json consistency_markers;
  Json cost_estimate;
  Json render_result;
  Json qa_report;
  bool approved = false;
  std::optional<int64_t> approval_timestamp_ms;
  // The manifest revision the approval released, the only one rendered
  // (null: not approved yet, or approved before this was recorded).
  std::optional<int64_t> approved_revision;
  Json edits_history = Json::array();
  Json options = Json::object();  // delivery options: output_dir, ...
  std::string error;              // why the job failed, if it did
  int attempts = 0;
  int max_attempts = 3;
  std::optional<int64_t> run_after_ms;  // null: not runnable (parked or finished)
  std::string lease_owner;
  int64_t lease_expires_ms = 0;
  int64_t lease_epoch = 0;        // fencing token, incremented on every claim
  bool cancel_requested = false;  // the lease holder must stop and cancel
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

struct JobEvent {
  int64_t id = 0;
  std::string job_id;
  std::string type;  // "state_changed", "stage_started", "retry_scheduled", ...
  std::string from_state, to_state;
  Json data;
  int64_t created_at_ms = 0;
};

// JSON views for the CLI and the API. kPublic leaves out what only the
// system reads (the options, the lease, the render result).
enum class JobFields { kAll, kPublic };
// Writes the job's members (its brief's among them) into an open object.
void WriteJobMembers(JsonWriter& w, const Job& job, JobFields fields);
Json JobToJson(const Job& job, JobFields fields = JobFields::kAll);
Json JobEventToJson(const JobEvent& e);

}  // namespace aiprod
