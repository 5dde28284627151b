// The Store: jobs, their events and checkpoints, and the queue that lives in
// the same tables. Engine-neutral (SQLite now, PostgreSQL later); every method
// is one transaction and is safe to call from several threads and processes.
//
// Queue model: a job is runnable when `run_after` is set and due, it is not in
// a terminal state, and no live lease covers it. A worker `Claim`s a job and
// gets a `Lease` carrying a fencing epoch; every later write it makes passes
// that lease and fails with kLeaseLost once another worker has claimed the job.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "model/job.h"

namespace aiprod {

struct NewJob {
  std::string id;
  Brief brief;
  Json options = Json::object();
  int max_attempts = 3;
  int64_t now_ms = 0;
};

struct Lease {
  std::string job_id;
  std::string owner;
  int64_t epoch = 0;
  int64_t expires_ms = 0;
  bool cancel_requested = false;  // refreshed by Renew
};

struct ClaimRequest {
  std::string owner;  // "host:pid:nonce"
  int64_t now_ms = 0;
  int64_t ttl_ms = 30'000;
  std::optional<std::string> job_id = std::nullopt;  // claim this job only
  // Scheduling: a job gains one priority level per `aging_ms` of waiting (so
  // low priority never starves), and loses `brand_weight` levels per job of
  // its brand already running (so one brand cannot take every worker).
  int64_t aging_ms = 60'000;
  double brand_weight = 0.5;
  // Jobs a claim may lease ahead for this process's later claims (the
  // worker's local queue, queue.prefetch): later Claims take them without a
  // round trip while at least half their lease is left. 0: none.
  int prefetch = 0;
};

// Fields a transition may set; unset fields stay as they are.
struct JobPatch {
  std::optional<Json> production_manifest;
  std::optional<Json> consistency_markers;
  std::optional<Json> cost_estimate;
  std::optional<Json> render_result;
  std::optional<Json> qa_report;
  std::optional<bool> approved;
  std::optional<int64_t> approval_timestamp_ms;
  std::optional<int64_t> approved_revision;  // a worker's automatic approval
  std::optional<Json> edits_history;
  std::optional<std::string> error;
};

// A webhook delivery to record (store/webhook_deliveries.h): its body is
// final, signed when sent.
struct NewWebhookDelivery {
  std::string id;  // UUIDv7
  std::string job_id, event, url, body;
};

// One atomic step of a job: state change, event row, optional checkpoint and
// field updates, and what happens to the queue entry and the lease.
struct JobTransition {
  JobTransition() = default;
  JobTransition(JobState from_state, JobState to_state, std::string type = "state_changed",
                Json data = nullptr)
      : from(from_state), to(to_state), event_type(std::move(type)), event_data(std::move(data)) {}

  JobState from = JobState::kQueued;  // the write fails with kConflict otherwise
  JobState to = JobState::kQueued;
  std::string event_type = "state_changed";
  Json event_data;
  std::optional<std::string> checkpoint_stage;  // stores `checkpoint` under this name
  Json checkpoint;
  JobPatch patch;
  std::optional<int64_t> run_after_ms;  // null: not runnable until something re-enqueues it
  bool release_lease = false;
  bool count_attempt = false;  // attempts += 1
  // Compare-and-set for edits and approvals: kConflict unless the stored
  // production manifest's "revision" (0 when absent) is this one. Like the
  // two below, a condition of the UPDATE itself (a refusal changes no row),
  // so two editors in different processes cannot both win, and an edit
  // cannot land after the approval of the revision it replaces.
  std::optional<int64_t> expect_manifest_revision;
  // kConflict unless the job is parked for review (not runnable) and not
  // approved: a reviewer's edit.
  bool expect_unapproved = false;
  // Records the stored manifest's revision as approved_revision, read by the
  // same UPDATE: a reviewer's approval (the render stage renders only it).
  bool pin_approved_revision = false;
  // Webhook deliveries recorded, pending, in the same transaction (the job's
  // end: a crash after the commit cannot lose them). None when refused.
  std::vector<NewWebhookDelivery> webhooks;
};

struct JobFilter {
  std::optional<JobState> state;
  std::optional<std::string> brand_id;
  std::string after_id;  // cursor: ids sort by creation time (UUIDv7)
  int limit = 50;
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies pending migrations (idempotent; concurrent callers serialize).
  virtual Status Migrate() = 0;
  virtual Result<int> SchemaVersion() = 0;
  virtual int LatestSchemaVersion() const = 0;
  virtual std::string Engine() const = 0;  // "sqlite" | "postgres"

  // Inserts the job, enqueued (runnable now), with its "created" event.
  virtual Result<Job> CreateJob(const NewJob& job) = 0;
  virtual Result<Job> GetJob(const std::string& id) = 0;
  virtual Result<std::vector<Job>> ListJobs(const JobFilter& filter) = 0;
  virtual Result<std::vector<JobEvent>> ListEvents(const std::string& job_id) = 0;
  virtual Result<std::optional<Json>> GetCheckpoint(const std::string& job_id,
                                                    const std::string& stage) = 0;

  // Claims the most urgent runnable job (or `job_id` if given and runnable).
  // A claim over an expired lease counts as an attempt of the previous owner.
  virtual Result<std::optional<Lease>> Claim(const ClaimRequest& request) = 0;
  virtual Status Renew(Lease& lease, int64_t now_ms, int64_t ttl_ms) = 0;
  virtual Status Release(const Lease& lease, int64_t now_ms) = 0;
  // Gives back the leases claimed ahead (ClaimRequest::prefetch) and not yet
  // taken; a draining worker calls it last.
  virtual Status ReleasePrefetched(int64_t now_ms) = 0;
  // Clears a lease whose owner is known to be dead (same epoch only).
  virtual Status BreakLease(const std::string& job_id, int64_t epoch, int64_t now_ms) = 0;

  // Applies `t` in one transaction. With a lease, fenced by it; without one
  // (a human's approve, cancel), refused while a live lease covers the job.
  virtual Status Apply(const std::string& job_id, const Lease* lease, const JobTransition& t,
                       int64_t now_ms) = 0;
  // Cancels a job: at once when no live lease covers it, otherwise by flagging
  // it so the lease holder stops at its next checkpoint (`cancel_requested`).
  // Returns the state after the call. kConflict for a finished job.
  virtual Result<JobState> RequestCancel(const std::string& job_id, const std::string& by,
                                         int64_t now_ms) = 0;
  // Puts a failed, qa_failed or dead job back in the queue at the stage where
  // it stopped, with its attempts reset. kConflict for other states.
  virtual Result<JobState> Retry(const std::string& job_id, const std::string& by,
                                 int64_t now_ms) = 0;

  // Adds an event row (fenced like Apply when a lease is given).
  virtual Status AppendEvent(const std::string& job_id, const Lease* lease, const std::string& type,
                             const Json& data, int64_t now_ms) = 0;
};

// Opens the store named by `url`: "postgres://..." or "postgresql://..." for
// PostgreSQL; anything else is a SQLite file path (created if missing).
Result<std::unique_ptr<Store>> OpenStore(const std::string& url);

}  // namespace aiprod
