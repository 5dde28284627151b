#include "model/event_type.h"

#include <array>
#include <utility>

namespace aiprod {
namespace {

constexpr std::array<std::pair<EventType, std::string_view>, 11> kNames = {{
    {EventType::kCreated, "created"},
    {EventType::kStateChanged, "state_changed"},
    {EventType::kStageStarted, "stage_started"},
    {EventType::kRetryScheduled, "retry_scheduled"},
    {EventType::kParkedForApproval, "parked_for_approval"},
    {EventType::kApproved, "approved"},
    {EventType::kRejected, "rejected"},
    {EventType::kManifestEdited, "manifest_edited"},
    {EventType::kCancelRequested, "cancel_requested"},
    {EventType::kLeaseBroken, "lease_broken"},
    {EventType::kBudgetAlert, "budget_alert"},
}};

}  // namespace

std::string_view EventTypeName(EventType t) {
  for (const auto& [type, name] : kNames) {
    if (type == t) return name;
  }
  return "unknown";
}

std::string EventTypeString(EventType t) { return std::string(EventTypeName(t)); }

std::optional<EventType> EventTypeFromName(std::string_view name) {
  for (const auto& [type, n] : kNames) {
    if (n == name) return type;
  }
  return std::nullopt;
}

}  // namespace aiprod
