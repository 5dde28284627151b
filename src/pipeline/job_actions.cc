#include "pipeline/job_actions.h"

#include <algorithm>
#include <map>

#include "core/ids.h"
#include "model/event_type.h"
#include "notify/url_guard.h"
#include "notify/webhook_outbox.h"

namespace aiprod {
namespace {

AuditEntry Entry(const Actor& by, std::string action, std::string target, std::string outcome,
                 Json detail, std::string brand) {
  AuditEntry e;
  e.principal = by.id;
  e.action = std::move(action);
  e.target = std::move(target);
  e.outcome = std::move(outcome);
  e.detail = std::move(detail);
  e.brand = std::move(brand);
  return e;
}

// Records the outcome of a review action on `job_id`, read back for its brand
// and for `detail` (on success). An unknown job is not recorded: nothing was
// acted on (the API answers 404 before it gets here).
void RecordReview(Store& store, const Actor& by, std::string action, const std::string& job_id,
                  const Status& st, const std::function<Json(const Job&)>& detail) {
  if (!by.audit || (!st && st.error().code == ErrorCode::kNotFound)) return;
  auto job = store.GetJob(job_id);
  if (!job) return;
  by.audit->Record(Entry(by, std::move(action), job_id,
                         st ? "success" : std::string(CodeName(st.error().code)),
                         st ? detail(*job) : Json::object(), job->brief.brand_id));
}

// unknown_brand = "error" refuses a brand_id without a kit; "default" draws it
// with the default kit, which the submitter is told (the returned warning).
Result<std::string> CheckBrand(const JobIntake& in, const std::string& brand_id) {
  if (brand_id.empty() || !in.brands) return std::string();
  auto found = in.brands->Find(brand_id);
  if (found) return std::string();
  if (in.config->unknown_brand == "error") return Unexpected(found.error());
  if (found.error().code != ErrorCode::kNotFound) return std::string();  // fails at its stage
  return "brand '" + brand_id + "' is not registered (" + found.error().message +
         "): the job is drawn with the default brand kit";
}

}  // namespace

BriefLimits BriefLimitsFor(const Config& config) {
  BriefLimits l;
  l.max_content_chars = static_cast<size_t>(config.limits.max_content_chars);
  l.max_target_langs = static_cast<size_t>(config.limits.max_target_langs);
  l.max_duration_s = config.render.max_duration_s;
  return l;
}

Status CheckActiveJobCap(JobQueries& queries, const Config& config, const std::string& brand_id) {
  const int cap = config.limits.max_active_jobs_per_brand;
  if (cap <= 0 || brand_id.empty()) return {};
  AIPROD_ASSIGN(int64_t active, queries.CountActiveForBrand(brand_id, cap));
  if (active < cap) return {};
  return Fail(ErrorCode::kLimitReached,
              "brand " + brand_id + " already has " + std::to_string(cap) + " unfinished jobs");
}

Result<SubmittedJob> SubmitJob(const JobIntake& in, JobRequest request, const Actor& by) {
  const Config& config = *in.config;
  AIPROD_ASSIGN(Brief brief, BriefFromJson(request.brief, BriefLimitsFor(config)));
  if (request.review) brief.review = true;
  if (request.draft) brief.draft = true;
  if (request.admit) AIPROD_TRY(request.admit(brief));
  // Webhooks are called by the service later: the URL gets the sender's own
  // checks now (server-side request forgery), so a refused one fails here.
  if (!brief.webhook_url.empty()) {
    AIPROD_TRY(CheckTargetUrl(brief.webhook_url, WebhookOptionsFromConfig(config).policy));
  }
  // An unreachable language is bad input too.
  if (in.translator) {
    for (const auto& lang : brief.target_langs) {
      AIPROD_TRY(FindRoute(in.translator->DirectPairs(), brief.lang, lang));
    }
  }
  SubmittedJob out;
  Json options = Json::object();
  if (!request.output_dir.empty()) options["output_dir"] = request.output_dir;
  if (request.brand_kit) {
    brief.brand_id = request.brand_kit->brand_id;
    options["brand_kit"] = BrandKitToJson(*request.brand_kit);
  } else {
    AIPROD_ASSIGN(out.warning, CheckBrand(in, brief.brand_id));
  }
  if (in.queries) AIPROD_TRY(CheckActiveJobCap(*in.queries, config, brief.brand_id));

  ReservedJobId id{NewUuidV7(*in.clock), false};
  if (request.reserve_id) {
    AIPROD_ASSIGN(id, request.reserve_id());
  }
  Result<Job> job = Fail(ErrorCode::kNotFound, "");
  if (id.replay) job = in.store->GetJob(id.id);
  if (job) {
    out.job = std::move(*job);
    out.created = false;
    return out;
  }
  job = in.store->CreateJob({id.id, brief, options, config.queue.max_attempts, in.clock->NowMs()});
  // The first request with this id (an idempotency key) may have created it meanwhile.
  if (!job && job.error().code == ErrorCode::kConflict && id.replay) {
    job = in.store->GetJob(id.id);
    out.created = false;
  }
  if (!job) return Unexpected(job.error());
  out.job = std::move(*job);
  if (out.created && by.audit) {
    by.audit->Record(Entry(by, "job.create", out.job.id, "success",
                           {{"brand_id", brief.brand_id},
                            {"preset", brief.preset},
                            {"content", CutUtf8(brief.content, 50)}},
                           brief.brand_id));
  }
  return out;
}

Status ApproveJob(Store& store, const std::string& job_id, const Actor& by, int64_t now_ms,
                  std::optional<int64_t> revision) {
  JobTransition t{JobState::kAwaitingApproval, JobState::kAwaitingApproval,
                  EventTypeString(EventType::kApproved)};
  t.patch.approved = true;
  t.patch.approval_timestamp_ms = now_ms;
  t.run_after_ms = now_ms;
  t.event_data = {{"by", by.id}};
  if (revision) t.event_data["revision"] = *revision;
  // The revision is read (or compared) and recorded by the write itself.
  t.expect_manifest_revision = revision;
  t.pin_approved_revision = true;
  Status st = store.Apply(job_id, nullptr, t, now_ms);
  RecordReview(store, by, "job.approve", job_id, st, [](const Job& job) {
    return Json{{"revision", job.approved_revision ? Json(*job.approved_revision) : Json()}};
  });
  return st;
}

Status RejectJob(Store& store, const std::string& job_id, const Actor& by,
                 const std::string& reason, int64_t now_ms) {
  JobTransition t{JobState::kAwaitingApproval, JobState::kFailed,
                  EventTypeString(EventType::kRejected)};
  t.patch.error = "rejected: " + (reason.empty() ? std::string("no reason given") : reason);
  t.event_data = {{"by", by.id}, {"reason", reason}};
  Status st = store.Apply(job_id, nullptr, t, now_ms);
  RecordReview(store, by, "job.reject", job_id, st, [&](const Job&) {
    return Json{{"reason", CutUtf8(reason, 200)}};
  });
  return st;
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
                                  const ManifestLimits& limits, const Actor& by, int64_t now_ms) {
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
                     {"by", by.id},
                     {"at", FormatTimestamp(now_ms)},
                     {"changes", out.changes}});
  JobTransition t{JobState::kAwaitingApproval,
                  JobState::kAwaitingApproval,
                  EventTypeString(EventType::kManifestEdited),
                  {{"by", by.id}, {"revision", out.revision}}};
  t.patch.production_manifest = out.manifest;
  t.patch.edits_history = std::move(history);
  // The store compares this with the stored revision inside the write: a stale
  // If-Match and an edit that raced this one elsewhere both fail there.
  t.expect_manifest_revision = expected_revision.value_or(revision);
  // The checks above read before the write; the store repeats them in it.
  t.expect_unapproved = true;
  AIPROD_TRY(store.Apply(job.id, nullptr, t, now_ms));
  if (by.audit) {
    by.audit->Record(Entry(by, "job.edit", job.id, "success",
                           {{"revision", out.revision}, {"changes", out.changes.size()}},
                           job.brief.brand_id));
  }
  return out;
}

}  // namespace aiprod
