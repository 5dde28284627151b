// What a person does to a job: submit it, and review it (approve, edit,
// reject). Shared by the CLI and the API so both apply the same checks and
// record the same transition, event and audit row; the front ends only read
// their input and turn the outcome into their output.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "core/error.h"
#include "core/json.h"
#include "creative/brand_source.h"
#include "model/brief.h"
#include "model/manifest.h"
#include "providers/translate/translator.h"
#include "store/audit_log.h"
#include "store/job_queries.h"
#include "store/store.h"

namespace aiprod {

// Where job actions are recorded: the audit log, through the front end, which
// adds what it knows of the request.
class ActionAudit {
 public:
  virtual ~ActionAudit() = default;
  // `entry` has principal, action, target, outcome, detail and brand set; the
  // sink adds the time and the request's id and source (client address, "cli").
  virtual void Record(AuditEntry entry) = 0;
};

// Who acts: the principal named in events, edit histories and audit rows.
struct Actor {
  std::string id;                // "key:<id>", "jwt:<sub>", "cli:<user>"
  ActionAudit* audit = nullptr;  // null: the action is not audited (tests)
};

// What SubmitJob uses. Not owned.
struct JobIntake {
  const Config* config = nullptr;
  const Clock* clock = nullptr;
  Store* store = nullptr;
  const BrandSource* brands = nullptr;     // brand_id lookups
  JobQueries* queries = nullptr;           // unfinished jobs per brand (the cap)
  const Translator* translator = nullptr;  // null: language routes are not checked
};

// The id a new job gets; `replay`: it may exist already (an idempotent retry
// of the same request), and if it does, it is the answer.
struct ReservedJobId {
  std::string id;
  bool replay = false;
};

struct JobRequest {
  Json brief;                          // as sent: parsed and checked here
  bool review = false, draft = false;  // force the brief's flags on (CLI options)
  std::string output_dir;              // job option: where to deliver ("" = default)
  std::optional<BrandKit> brand_kit;   // applied instead of looking up brand_id
  // Called once the brief parses, before any other check: may fill in or
  // refuse (the API's tenancy: the caller's brand, 403).
  std::function<Status(Brief&)> admit;
  // Called once every check passed, just before the row is written (the API's
  // idempotency key). Default: a new UUIDv7.
  std::function<Result<ReservedJobId>()> reserve_id;
};

struct SubmittedJob {
  Job job;
  bool created = true;  // false: an earlier submission's job (a replay)
  // Said to the submitter, not an error: a brand_id no kit was found for
  // (unknown_brand = "default": the job is drawn with the default kit).
  std::string warning;
};

// The limits a brief is read with (limits.*, render.max_duration_s).
BriefLimits BriefLimitsFor(const Config& config);

// The per-brand cap on unfinished jobs (limits.max_active_jobs_per_brand),
// checked by everything that makes a job runnable: submission and retry.
// kLimitReached when `brand_id` is at the cap.
Status CheckActiveJobCap(JobQueries& queries, const Config& config, const std::string& brand_id);

// Creates a queued job from a brief, every check first so that bad input
// leaves nothing behind: the brief (kInvalidInput naming the field), `admit`,
// the webhook URL (the sender's own SSRF checks), a translation route to every
// target language, the brand (kNotFound with unknown_brand = "error", else a
// warning), the brand's cap (kLimitReached). Records "job.create".
Result<SubmittedJob> SubmitJob(const JobIntake& in, JobRequest request, const Actor& by);

// Releases a job parked in awaiting_approval: sets `approved`, records the
// manifest revision approved (approved_revision: the one the render stage
// renders), an "approved" event by `by`, and makes it runnable now. Audits
// "job.approve" (its outcome, also when refused).
// `revision` is the one the reviewer saw: kConflict when the manifest is no
// longer at it (an edit came in between). Without it, the current revision,
// read in the approval's own write. kConflict unless the job is awaiting
// approval (or a worker holds it); kNotFound for an unknown id.
Status ApproveJob(Store& store, const std::string& job_id, const Actor& by, int64_t now_ms,
                  std::optional<int64_t> revision = std::nullopt);

// Rejects a job parked in awaiting_approval: it becomes failed with
// "rejected: <reason>" as its error and a "rejected" event. Audits
// "job.reject" (its outcome, also when refused).
Status RejectJob(Store& store, const std::string& job_id, const Actor& by,
                 const std::string& reason, int64_t now_ms);

// What changed between two production manifests, for the edit history
// ("en scene s2 changed", "variant fr added"); at most 50 entries.
Json ManifestChanges(const Json& before, const Json& after);

struct ManifestEdit {
  Json manifest;  // as stored, with its new revision
  int64_t revision = 0;
  Json changes;
};

// Replaces the production manifest of a job held for review (and not yet
// approved) with `edited`, validated against `limits`: a new revision, an
// edits_history entry (who, when, what changed) and a "manifest_edited"
// event, in one write. With `expected_revision`, kConflict unless the stored
// manifest is at that revision (a concurrent edit won). The store checks that
// the job is still unapproved in the same write: an edit racing an approval
// either lands before it (and the approval of the older revision fails, or
// approves this one) or fails. Audits "job.edit" when it succeeds.
Result<ManifestEdit> EditManifest(Store& store, const std::string& job_id, const Json& edited,
                                  std::optional<int64_t> expected_revision,
                                  const ManifestLimits& limits, const Actor& by, int64_t now_ms);

}  // namespace aiprod
