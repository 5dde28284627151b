// What a person does to a job held for review, shared by the CLI and the API
// so both record the same transition and event.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "core/json.h"
#include "model/manifest.h"
#include "store/store.h"

namespace aiprod {

// Releases a job parked in awaiting_approval: sets `approved`, records the
// manifest revision approved (approved_revision: the one the render stage
// renders), an "approved" event by `by`, and makes it runnable now.
// `revision` is the one the reviewer saw: kConflict when the manifest is no
// longer at it (an edit came in between). Without it, the current revision,
// read in the approval's own write. kConflict unless the job is awaiting
// approval (or a worker holds it); kNotFound for an unknown id.
Status ApproveJob(Store& store, const std::string& job_id, const std::string& by, int64_t now_ms,
                  std::optional<int64_t> revision = std::nullopt);

// Rejects a job parked in awaiting_approval: it becomes failed with
// "rejected: <reason>" as its error and a "rejected" event.
Status RejectJob(Store& store, const std::string& job_id, const std::string& by,
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
// approves this one) or fails.
Result<ManifestEdit> EditManifest(Store& store, const std::string& job_id, const Json& edited,
                                  std::optional<int64_t> expected_revision,
                                  const ManifestLimits& limits, const std::string& by,
                                  int64_t now_ms);

}  // namespace aiprod
