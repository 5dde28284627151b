#include "store/sql.h"

namespace aiprod {

const SqlValue* SqlRows::Find(size_t row, std::string_view column) const {
  if (row >= rows.size()) return nullptr;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == column) return &rows[row][i];
  }
  return nullptr;
}

std::string SqlRows::Text(size_t row, std::string_view column, std::string fallback) const {
  const SqlValue* v = Find(row, column);
  if (!v) return fallback;
  if (auto* s = std::get_if<std::string>(v)) return *s;
  if (auto* i = std::get_if<int64_t>(v)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(v)) return std::to_string(*d);
  return fallback;
}

const std::string* SqlRows::TextRef(size_t row, std::string_view column) const {
  const SqlValue* v = Find(row, column);
  return v ? std::get_if<std::string>(v) : nullptr;
}

int64_t SqlRows::Int(size_t row, std::string_view column, int64_t fallback) const {
  const SqlValue* v = Find(row, column);
  if (!v) return fallback;
  if (auto* i = std::get_if<int64_t>(v)) return *i;
  if (auto* d = std::get_if<double>(v)) return static_cast<int64_t>(*d);
  if (auto* s = std::get_if<std::string>(v)) {
    if (*s == "t" || *s == "true") return 1;
    if (*s == "f" || *s == "false") return 0;
    return std::strtoll(s->c_str(), nullptr, 10);
  }
  return fallback;
}

bool SqlRows::IsNull(size_t row, std::string_view column) const {
  const SqlValue* v = Find(row, column);
  return !v || std::holds_alternative<std::monostate>(*v);
}

Result<std::vector<SqlRows>> SqlConnection::QueryAll(std::span<const SqlStatement> statements) {
  std::vector<SqlRows> out;
  out.reserve(statements.size());
  for (const SqlStatement& s : statements) {
    AIPROD_ASSIGN(SqlRows rows, Query(s.sql, s.params));
    out.push_back(std::move(rows));
  }
  return out;
}

// NOLINTNEXTLINE(performance-unnecessary-value-param): by value for the overrides that keep it
Status SqlConnection::Defer(SqlStatement statement) {
  AIPROD_TRY(Exec(statement.sql, statement.params));
  return {};
}

Result<SqlTransaction> SqlTransaction::Begin(SqlConnection& c) {
  AIPROD_TRY(c.BeginWrite());
  return SqlTransaction(&c);
}

Status SqlTransaction::Commit() {
  SqlConnection* c = conn_;
  conn_ = nullptr;
  auto st = c->Commit();
  if (!st) c->Rollback();
  return st;
}

}  // namespace aiprod
