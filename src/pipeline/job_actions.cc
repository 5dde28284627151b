#include "pipeline/job_actions.h"

#include <algorithm>
#include <map>

#include "core/clock.h"
#include "model/event_type.h"

namespace aiprod {

Status ApproveJob(Store& store, const std::string& job_id, const std::string& by, int64_t now_ms,
                  std::optional<int64_t> revision) {
  JobTransition t{JobState::kAwaitingApproval, JobState::kAwaitingApproval,
                  EventTypeString(EventType::kApproved)};
  t.patch.approved = true;
  t.patch.approval_timestamp_ms = now_ms;
  t.run_after_ms = now_ms;
  t.event_data = {{"by", by}};
  if (revision) t.event_data["revision"] = *revision;
  // The revision is read (or compared) and recorded by the write itself.
  t.expect_manifest_revision = revision;
  t.pin_approved_revision = true;
  return store.Apply(job_id, nullptr, t, now_ms);
}

Status RejectJob(Store& store, const std::string& job_id, const std::string& by,
                 const std::string& reason, int64_t now_ms) {
  JobTransition t{JobState::kAwaitingApproval, JobState::kFailed,
                  EventTypeString(EventType::kRejected)};
  t.patch.error = "rejected: " + (reason.empty() ? std::string("no reason given") : reason);
  t.event_data = {{"by", by}, {"reason", reason}};
  return store.Apply(job_id, nullptr, t, now_ms);
}

Json ManifestChanges(const Json& before, const Json& after) {
  Json changes = Json::array();
  auto variants = [](const Json& m) {
    std::map<std::string, Json> out;
    if (m.is_object() && m.contains("variants") && m["variants"].is_array()) {
      for (const auto& v : m["variants"]) out[v.value("lang", "")] = v;
    }
    return out;
  };
  auto old_v = variants(before), new_v = variants(after);
  for (const auto& [lang, v] : new_v) {
    if (changes.size() >= 50) break;
    auto it = old_v.find(lang);
    if (it == old_v.end()) {
      changes.push_back("variant " + lang + " added");
      continue;
    }
    const Json& a = it->second.value("scenes", Json::array());
    const Json& b = v.value("scenes", Json::array());
    for (size_t i = 0; i < std::max(a.size(), b.size()) && changes.size() < 50; ++i) {
      std::string id = i < b.size() ? b[i].value("id", "") : a[i].value("id", "");
      if (i >= a.size())
        changes.push_back(lang + " scene " + id + " added");
      else if (i >= b.size())
        changes.push_back(lang + " scene " + id + " removed");
      else if (a[i] != b[i])
        changes.push_back(lang + " scene " + id + " changed");
    }
    Json ha = it->second, hb = v;
    ha.erase("scenes");
    hb.erase("scenes");
    if (ha != hb && changes.size() < 50) changes.push_back(lang + " settings changed");
  }
  for (const auto& [lang, v] : old_v) {
    if (!new_v.contains(lang) && changes.size() < 50)
      changes.push_back("variant " + lang + " removed");
  }
  return changes;
}

Result<ManifestEdit> EditManifest(Store& store, const std::string& job_id, const Json& edited,
                                  std::optional<int64_t> expected_revision,
                                  const ManifestLimits& limits, const std::string& by,
                                  int64_t now_ms) {
  AIPROD_ASSIGN(ProductionManifest manifest, ProductionManifestFromJson(edited, limits));
  AIPROD_ASSIGN(Job job, store.GetJob(job_id));
  if (job.state != JobState::kAwaitingApproval || job.approved || job.run_after_ms) {
    return Fail(ErrorCode::kConflict, "only a job held for review can be edited (it is " +
                                          std::string(StateName(job.state)) +
                                          (job.approved ? ", approved" : "") + ")");
  }
  int64_t revision = ManifestRevision(job.production_manifest);
  ManifestEdit out;
  manifest.revision = static_cast<int>(revision + 1);
  out.revision = manifest.revision;
  out.manifest = ProductionManifestToJson(manifest);
  out.changes = ManifestChanges(job.production_manifest, out.manifest);
  Json history = job.edits_history.is_array() ? job.edits_history : Json::array();
  history.push_back({{"revision", out.revision},
                     {"previous_revision", revision},
                     {"by", by},
                     {"at", FormatTimestamp(now_ms)},
                     {"changes", out.changes}});
  JobTransition t{JobState::kAwaitingApproval,
                  JobState::kAwaitingApproval,
                  EventTypeString(EventType::kManifestEdited),
                  {{"by", by}, {"revision", out.revision}}};
  t.patch.production_manifest = out.manifest;
  t.patch.edits_history = std::move(history);
  // The store compares this with the stored revision inside the write: a stale
  // If-Match and an edit that raced this one elsewhere both fail there.
  t.expect_manifest_revision = expected_revision.value_or(revision);
  // The checks above read before the write; the store repeats them in it.
  t.expect_unapproved = true;
  AIPROD_TRY(store.Apply(job.id, nullptr, t, now_ms));
  return out;
}

}  // namespace aiprod
