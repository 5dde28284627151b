#include "store/job_rows.h"

#include <algorithm>

namespace aiprod {

const char* const kJobColumns =
    "id, content, preset, state, priority, lang, brand_id, target_langs, aspect_ratios, "
    "duration_hint_s, review, draft, webhook_url, production_manifest, consistency_markers, "
    "cost_estimate, render_result, qa_report, approved, approval_timestamp, approved_revision, "
    "edits_history, "
    "options, error, attempts, max_attempts, run_after, lease_owner, lease_expires_at, "
    "lease_epoch, cancel_requested, created_at, updated_at";

Json JsonColumn(const SqlRows& rows, size_t i, std::string_view col) {
  const std::string* text = rows.TextRef(i, col);
  if (!text) return Json();
  // Written by us, so it parses; a corrupt value surfaces as null rather than a crash.
  return Json::parse(*text, nullptr, /*allow_exceptions=*/false);
}

SqlValue JsonValue(const Json& j) {
  if (j.is_null()) return std::monostate{};
  return j.dump();
}

Result<Job> JobFromRow(const SqlRows& rows, size_t i) {
  Job job;
  job.id = rows.Text(i, "id");
  Brief& b = job.brief;
  b.content = rows.Text(i, "content");
  b.preset = rows.Text(i, "preset");
  b.priority = static_cast<Priority>(rows.Int(i, "priority", 1));
  b.lang = rows.Text(i, "lang");
  b.brand_id = rows.Text(i, "brand_id");
  for (const auto& l : JsonColumn(rows, i, "target_langs")) b.target_langs.push_back(l);
  for (const auto& a : JsonColumn(rows, i, "aspect_ratios")) b.aspect_ratios.push_back(a);
  if (!rows.IsNull(i, "duration_hint_s")) {
    b.duration_hint_s = std::stod(rows.Text(i, "duration_hint_s"));
  }
  b.review = rows.Int(i, "review") != 0;
  b.draft = rows.Int(i, "draft") != 0;
  b.webhook_url = rows.Text(i, "webhook_url");
  auto state = StateFromName(rows.Text(i, "state"));
  if (!state) {
    return Fail(ErrorCode::kInternal,
                "job " + job.id + " has unknown state '" + rows.Text(i, "state") + "'");
  }
  job.state = *state;
  job.production_manifest = JsonColumn(rows, i, "production_manifest");
  job.consistency_markers = JsonColumn(rows, i, "consistency_markers");
  job.cost_estimate = JsonColumn(rows, i, "cost_estimate");
  job.render_result = JsonColumn(rows, i, "render_result");
  job.qa_report = JsonColumn(rows, i, "qa_report");
  job.approved = rows.Int(i, "approved") != 0;
  if (!rows.IsNull(i, "approval_timestamp")) {
    job.approval_timestamp_ms = rows.Int(i, "approval_timestamp");
  }
  if (!rows.IsNull(i, "approved_revision")) {
    job.approved_revision = rows.Int(i, "approved_revision");
  }
  job.edits_history = JsonColumn(rows, i, "edits_history");
  if (job.edits_history.is_null()) job.edits_history = Json::array();
  job.options = JsonColumn(rows, i, "options");
  if (job.options.is_null()) job.options = Json::object();
  job.error = rows.Text(i, "error");
  job.attempts = static_cast<int>(rows.Int(i, "attempts"));
  job.max_attempts = static_cast<int>(rows.Int(i, "max_attempts"));
  if (!rows.IsNull(i, "run_after")) job.run_after_ms = rows.Int(i, "run_after");
  job.lease_owner = rows.Text(i, "lease_owner");
  job.lease_expires_ms = rows.Int(i, "lease_expires_at");
  job.lease_epoch = rows.Int(i, "lease_epoch");
  job.cancel_requested = rows.Int(i, "cancel_requested") != 0;
  job.created_at_ms = rows.Int(i, "created_at");
  job.updated_at_ms = rows.Int(i, "updated_at");
  return job;
}

JobEvent EventFromRow(const SqlRows& rows, size_t i) {
  JobEvent e;
  e.id = rows.Int(i, "id");
  e.job_id = rows.Text(i, "job_id");
  e.type = rows.Text(i, "event_type");
  e.from_state = rows.Text(i, "from_state");
  e.to_state = rows.Text(i, "to_state");
  e.data = JsonColumn(rows, i, "event_data");
  if (!e.data.is_object()) e.data = Json::object();
  e.created_at_ms = rows.Int(i, "created_at");
  return e;
}

// Inserts events with as few statements as possible: up to kRowsPerInsert
// rows each, so a batch's events cost one round trip, and the prepared
// statements stay few (one per row count).
namespace {
constexpr size_t kRowsPerInsert = 32;
}  // namespace

Status InsertEvents(SqlConnection& c, std::span<const EventRow> events) {
  auto text = [](const std::string& s) -> SqlValue {
    if (s.empty()) return std::monostate{};
    return s;
  };
  for (size_t start = 0; start < events.size(); start += kRowsPerInsert) {
    auto chunk = events.subspan(start, std::min(kRowsPerInsert, events.size() - start));
    std::string sql =
        "INSERT INTO job_events (job_id, event_type, from_state, to_state, event_data, "
        "created_at) VALUES ";
    std::vector<SqlValue> params;
    params.reserve(chunk.size() * 6);
    for (const EventRow& e : chunk) {
      sql += params.empty() ? "(?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?)";
      params.insert(params.end(),
                    {e.job_id, e.type, text(e.from), text(e.to), JsonValue(e.data), e.at});
    }
    AIPROD_TRY(c.Defer({std::move(sql), std::move(params)}));
  }
  return {};
}

Status InsertEvent(SqlConnection& c, const std::string& job_id, const std::string& type,
                   const std::string& from, const std::string& to, const Json& data,
                   int64_t now_ms) {
  EventRow row{job_id, type, from, to, data, now_ms};
  return InsertEvents(c, std::span(&row, 1));
}

}  // namespace aiprod
