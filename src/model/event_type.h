// The kinds of job events (the `job_events` rows the runner, the store and the
// job actions write, and the API's event feed and the CLI show). Their names
// are stored and published: they are in one table (event_type.cc) and never
// change.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace aiprod {

enum class EventType {
  kCreated,            // the job was submitted
  kStateChanged,       // a state change (stage done, failure, cancel, death)
  kStageStarted,       // a worker started a stage
  kRetryScheduled,     // a transient failure; runs again later (maybe from an earlier state)
  kParkedForApproval,  // held for a reviewer
  kApproved,           // a reviewer released it
  kRejected,           // a reviewer turned it down
  kManifestEdited,     // a reviewer edited the manifest
  kCancelRequested,    // a user asked a running job to stop
  kLeaseBroken,        // another worker took over a dead worker's lease
  kBudgetAlert,        // the brand's spend crossed 80%, 100% or 150% of its budget
};

std::string_view EventTypeName(EventType t);
// The name as an owned string (what Store::AppendEvent and JobTransition take).
std::string EventTypeString(EventType t);
// nullopt for a name not in the table (events written by a newer version).
std::optional<EventType> EventTypeFromName(std::string_view name);

}  // namespace aiprod
