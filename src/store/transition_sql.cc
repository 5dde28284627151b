#include "store/transition_sql.h"

#include <map>
#include <optional>
#include <utility>

#include "store/job_rows.h"

namespace aiprod {
namespace {

// One value a transition writes or compares, with its PostgreSQL type (a
// VALUES list's parameters have none of their own).
struct Field {
  std::string column;
  const char* type;
  SqlValue value;
};

// A transition as the columns it sets (`set`, then the fixed expressions in
// `exprs`) and the values its fence compares (`where`: id, state, then the
// lease's owner and epoch, or the time a lease must have expired by).
struct Shape {
  std::vector<Field> set, where;
  std::vector<std::string> exprs;
  // Further conditions of a reviewer's edit or approval, each with its
  // parameter if it has one; a shape with guards is written on its own.
  std::vector<std::pair<std::string, std::optional<SqlValue>>> guards;
  bool leased = false;

  std::string Key() const {
    std::string key = leased ? "L" : "N";
    for (const Field& f : set) key += "," + f.column;
    for (const std::string& e : exprs) key += ";" + e;
    return key;
  }
};

Shape ShapeOf(SqlDialect dialect, const TransitionWrite& w) {
  const JobTransition& t = *w.t;
  Shape s;
  SqlValue run_after = std::monostate{};
  if (t.run_after_ms) run_after = *t.run_after_ms;
  s.set = {{"state", "TEXT", std::string(StateName(t.to))},
           {"updated_at", "BIGINT", w.now_ms},
           {"run_after", "BIGINT", run_after}};
  auto set_json = [&](const char* col, const std::optional<Json>& v) {
    if (v) s.set.push_back({col, "JSONB", JsonValue(*v)});
  };
  const JobPatch& p = t.patch;
  set_json("production_manifest", p.production_manifest);
  set_json("consistency_markers", p.consistency_markers);
  set_json("cost_estimate", p.cost_estimate);
  set_json("render_result", p.render_result);
  set_json("qa_report", p.qa_report);
  set_json("edits_history", p.edits_history);
  if (p.approved) s.set.push_back({"approved", "INTEGER", int64_t{*p.approved}});
  if (p.approval_timestamp_ms) {
    s.set.push_back({"approval_timestamp", "BIGINT", *p.approval_timestamp_ms});
  }
  if (p.approved_revision) s.set.push_back({"approved_revision", "BIGINT", *p.approved_revision});
  if (p.error) s.set.push_back({"error", "TEXT", *p.error});
  if (t.pin_approved_revision) {
    s.exprs.push_back("approved_revision = " + ManifestRevisionSql(dialect));
  }
  if (t.count_attempt) s.exprs.push_back("attempts = attempts + 1");
  if (t.release_lease) s.exprs.push_back("lease_owner = NULL, lease_expires_at = NULL");
  s.where = {{"id", "TEXT", *w.job_id}, {"state", "TEXT", std::string(StateName(t.from))}};
  s.leased = w.lease != nullptr;
  if (w.lease) {
    s.where.push_back({"lease_owner", "TEXT", w.lease->owner});
    s.where.push_back({"lease_epoch", "BIGINT", w.lease->epoch});
  } else {
    s.where.push_back({"lease_expires_at", "BIGINT", w.now_ms});
  }
  if (t.expect_manifest_revision) {
    s.guards.emplace_back(ManifestRevisionSql(dialect) + " = ?", *t.expect_manifest_revision);
  }
  if (t.expect_unapproved) {
    s.guards.emplace_back("approved = 0 AND run_after IS NULL", std::nullopt);
  }
  return s;
}

// The fence: `ref(i)` names the i-th `where` value.
template <typename Ref>
std::string Fence(const Shape& s, const char* table, Ref ref) {
  std::string t = table;
  std::string sql = t + "id = " + ref(0) + " AND " + t + "state = " + ref(1);
  if (s.leased) {
    sql += " AND " + t + "lease_owner = " + ref(2) + " AND " + t + "lease_epoch = " + ref(3);
  } else {
    sql += " AND (" + t + "lease_owner IS NULL OR " + t + "lease_expires_at <= " + ref(2) + ")";
  }
  return sql;
}

std::string Assignments(const Shape& s, const std::vector<std::string>& values) {
  std::string sql;
  for (size_t i = 0; i < s.set.size(); ++i) {
    sql += (i ? ", " : "") + s.set[i].column + " = " + values[i];
  }
  for (const std::string& e : s.exprs) sql += ", " + e;
  return sql;
}

SqlStatement OneUpdate(Shape s) {
  std::vector<std::string> marks(s.set.size(), "?");
  std::string sql = "UPDATE jobs SET " + Assignments(s, marks) + " WHERE " +
                    Fence(s, "", [](size_t) { return std::string("?"); });
  std::vector<SqlValue> params;
  for (Field& f : s.set) params.push_back(std::move(f.value));
  for (Field& f : s.where) params.push_back(std::move(f.value));
  for (auto& [condition, value] : s.guards) {
    sql += " AND " + condition;
    if (value) params.push_back(std::move(*value));
  }
  sql += " RETURNING id";
  return {std::move(sql), std::move(params)};
}

// UPDATE jobs SET c = v.columnK ... FROM (VALUES (...), ...) AS v WHERE the
// fence compares jobs' columns with v's.
SqlStatement ManyUpdate(std::vector<Shape>& rows) {
  const Shape& first = rows.front();
  const size_t width = first.set.size() + first.where.size();
  auto column = [](size_t k) { return "v.column" + std::to_string(k + 1); };
  std::vector<std::string> values;
  for (size_t i = 0; i < first.set.size(); ++i) values.push_back(column(i));
  std::string tuple;
  for (size_t i = 0; i < width; ++i) {
    const Field& f = i < first.set.size() ? first.set[i] : first.where[i - first.set.size()];
    tuple += std::string(i ? ", " : "(") + "CAST(? AS " + f.type + ")";
  }
  tuple += ")";
  std::string list;
  std::vector<SqlValue> params;
  params.reserve(width * rows.size());
  for (Shape& r : rows) {
    list += list.empty() ? tuple : ", " + tuple;
    for (Field& f : r.set) params.push_back(std::move(f.value));
    for (Field& f : r.where) params.push_back(std::move(f.value));
  }
  const size_t base = first.set.size();
  std::string sql =
      "UPDATE jobs SET " + Assignments(first, values) + " FROM (VALUES " + list + ") AS v WHERE " +
      Fence(first, "jobs.", [&](size_t i) { return column(base + i); }) + " RETURNING jobs.id";
  return {std::move(sql), std::move(params)};
}

}  // namespace

std::string ManifestRevisionSql(SqlDialect dialect) {
  return dialect == SqlDialect::kPostgres
             ? "COALESCE((production_manifest->>'revision')::BIGINT, 0)"
             : "COALESCE(CAST(json_extract(production_manifest, '$.revision') AS INTEGER), 0)";
}

std::vector<SqlStatement> TransitionUpdates(SqlDialect dialect,
                                            std::span<const TransitionWrite> writes) {
  std::vector<SqlStatement> out;
  if (dialect != SqlDialect::kPostgres) {
    for (const TransitionWrite& w : writes) out.push_back(OneUpdate(ShapeOf(dialect, w)));
    return out;
  }
  std::map<std::string, std::vector<Shape>> by_shape;
  for (const TransitionWrite& w : writes) {
    Shape s = ShapeOf(dialect, w);
    if (!s.guards.empty()) {
      out.push_back(OneUpdate(std::move(s)));
      continue;
    }
    by_shape[s.Key()].push_back(std::move(s));
  }
  for (auto& [key, rows] : by_shape) {
    out.push_back(rows.size() == 1 ? OneUpdate(std::move(rows.front())) : ManyUpdate(rows));
  }
  return out;
}

}  // namespace aiprod
