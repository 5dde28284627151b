#include "store/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <cstdio>
#include <cstring>
#include <optional>

namespace aiprod {
namespace {

// Type OIDs from PostgreSQL's catalog (pg_type.dat); stable across versions.
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701,
              kNumeric = 1700;

struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultFree>;

// Maps SQLSTATE classes onto the error codes callers act on.
ErrorCode CodeFor(const char* sqlstate, bool connection_ok) {
  if (!connection_ok) return ErrorCode::kUnavailable;
  std::string s = sqlstate ? sqlstate : "";
  if (s.starts_with("08") || s.starts_with("57") || s == "40001" || s == "40P01" || s == "55P03") {
    return ErrorCode::kUnavailable;  // connection lost, shutdown, serialization, lock timeout
  }
  if (s.starts_with("23")) return ErrorCode::kConflict;  // integrity constraint
  if (s.starts_with("22")) return ErrorCode::kInvalidInput;
  return ErrorCode::kInternal;
}

// The error of a failed statement, without PostgreSQL's trailing newline.
std::unexpected<Error> StatementError(const PGresult* r, bool connection_ok,
                                      const std::string& prefix) {
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  std::string msg = PQresultErrorMessage(r);
  while (!msg.empty() && msg.back() == '\n') msg.pop_back();
  return Fail(CodeFor(state, connection_ok), prefix + msg);
}

}  // namespace

struct PgConnection::Run {
  PgResult result;
};

std::string ToDollarParams(std::string_view sql) {
  std::string out;
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += "$" + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& url,
                                                         int statement_timeout_ms) {
  PGconn* c = PQconnectdb(url.c_str());
  if (!c || PQstatus(c) != CONNECTION_OK) {
    std::string msg = c ? PQerrorMessage(c) : "out of memory";
    PQfinish(c);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return Fail(ErrorCode::kUnavailable, "cannot connect to PostgreSQL: " + msg);
  }
  std::unique_ptr<PgConnection> conn(new PgConnection(c));
  // Bounded statements; quiet notices; UTC everywhere.
  AIPROD_TRY(conn->ExecScript("SET statement_timeout = " + std::to_string(statement_timeout_ms) +
                              "; SET client_min_messages = warning; SET TIME ZONE 'UTC'"));
  return conn;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::Healthy() { return !broken_ && PQstatus(conn_) == CONNECTION_OK; }

namespace {

// The text form of a statement's parameters, as libpq takes them.
class ParamText {
 public:
  explicit ParamText(const std::vector<SqlValue>& params)
      : text_(params.size()), values_(params.size(), nullptr) {
    for (size_t i = 0; i < params.size(); ++i) {
      const SqlValue& v = params[i];
      if (std::holds_alternative<std::monostate>(v)) continue;
      if (auto* n = std::get_if<int64_t>(&v)) {
        text_[i] = std::to_string(*n);
      } else if (auto* d = std::get_if<double>(&v)) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        text_[i] = buf;
      } else {
        values_[i] = std::get<std::string>(v).c_str();  // the caller keeps params alive
        continue;
      }
      values_[i] = text_[i].c_str();
    }
  }
  int count() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }

 private:
  std::vector<std::string> text_;
  std::vector<const char*> values_;
};

bool Succeeded(const PGresult* r) {
  auto status = PQresultStatus(r);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

SqlRows RowsOf(const PGresult* r) {
  SqlRows out;
  int cols = PQnfields(r), rows = PQntuples(r);
  for (int c = 0; c < cols; ++c) out.columns.emplace_back(PQfname(r, c));
  out.rows.reserve(static_cast<size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    std::vector<SqlValue> row;
    row.reserve(static_cast<size_t>(cols));
    for (int c = 0; c < cols; ++c) {
      if (PQgetisnull(r, i, c)) {
        row.emplace_back(std::monostate{});
        continue;
      }
      const char* v = PQgetvalue(r, i, c);
      switch (PQftype(r, c)) {
        case kInt8:
        case kInt4:
        case kInt2:
          row.emplace_back(int64_t{std::atoll(v)});
          break;
        case kFloat4:
        case kFloat8:
        case kNumeric:
          row.emplace_back(std::strtod(v, nullptr));
          break;
        case kBool:
          row.emplace_back(int64_t{v[0] == 't' ? 1 : 0});
          break;
        default:
          row.emplace_back(std::string(v, static_cast<size_t>(PQgetlength(r, i, c))));
      }
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

// COMMIT of a transaction that a failed statement aborted "succeeds" with
// the tag ROLLBACK: nothing was written, and the caller must know.
Status CommitOutcome(const PGresult* r, bool connection_ok) {
  if (PQresultStatus(r) != PGRES_COMMAND_OK) return StatementError(r, connection_ok, "postgres: ");
  if (std::strcmp(PQcmdStatus(const_cast<PGresult*>(r)), "ROLLBACK") == 0) {
    return Fail(ErrorCode::kInternal, "postgres: the transaction was aborted and rolled back");
  }
  return {};
}

// More deferred statements than this are sent without waiting for a query.
constexpr size_t kMaxPending = 256;

constexpr char kBegin[] = "BEGIN";

}  // namespace

Result<std::string> PgConnection::Prepared(std::string_view sql) {
  if (auto it = prepared_.find(sql); it != prepared_.end()) return it->second;
  std::string name = "s" + std::to_string(prepared_.size() + 1);
  PgResult prep(PQprepare(conn_, name.c_str(), ToDollarParams(sql).c_str(), 0, nullptr));
  if (PQresultStatus(prep.get()) != PGRES_COMMAND_OK) {
    return StatementError(prep.get(), Healthy(), "prepare: ");
  }
  prepared_.emplace(std::string(sql), name);
  return name;
}

Result<PgConnection::Run> PgConnection::Execute(std::string_view sql,
                                                const std::vector<SqlValue>& params) {
  if (!pending_.empty()) {
    SqlStatement s{std::string(sql), params};
    const SqlStatement* one = &s;
    AIPROD_ASSIGN(auto runs, Pipeline(std::span(&one, 1)));
    return std::move(runs.front());
  }
  AIPROD_ASSIGN(std::string name, Prepared(sql));
  ParamText values(params);
  PgResult r(
      PQexecPrepared(conn_, name.c_str(), values.count(), values.values(), nullptr, nullptr, 0));
  if (!Succeeded(r.get())) {
    if (!Healthy()) prepared_.clear();
    return StatementError(r.get(), Healthy(), "postgres: ");
  }
  return Run{std::move(r)};
}

Result<std::vector<PgConnection::Run>> PgConnection::Pipeline(
    std::span<const SqlStatement* const> statements) {
  std::vector<SqlStatement> queued;
  queued.swap(pending_);
  std::vector<const SqlStatement*> all;
  all.reserve(queued.size() + statements.size());
  for (const SqlStatement& s : queued) all.push_back(&s);
  all.insert(all.end(), statements.begin(), statements.end());
  // Prepared first, outside the pipeline (once per statement text and
  // connection), so that the pipeline itself only binds and executes.
  std::vector<std::string> names;
  names.reserve(all.size());
  for (const SqlStatement* s : all) {
    AIPROD_ASSIGN(std::string name, Prepared(s->sql));
    names.push_back(std::move(name));
  }
  auto lost = [this](const std::string& what) {
    broken_ = true;  // results may still be in flight: the pool discards this connection
    std::string msg = PQerrorMessage(conn_);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    return Fail(ErrorCode::kUnavailable, "postgres: " + what + ": " + msg);
  };
  if (PQenterPipelineMode(conn_) != 1) return lost("cannot start a pipeline");
  for (size_t i = 0; i < all.size(); ++i) {
    ParamText values(all[i]->params);
    if (PQsendQueryPrepared(conn_, names[i].c_str(), values.count(), values.values(), nullptr,
                            nullptr, 0) != 1) {
      return lost("sending a pipeline");
    }
  }
  if (PQpipelineSync(conn_) != 1) return lost("sending a pipeline");
  // One result per statement, each followed by a null; after the first
  // failure PostgreSQL skips the rest (PGRES_PIPELINE_ABORTED) up to the sync.
  std::vector<Run> out;
  out.reserve(statements.size());
  std::optional<std::unexpected<Error>> failure;
  for (size_t i = 0; i < all.size(); ++i) {
    PgResult r(PQgetResult(conn_));
    if (!r) {
      if (failure) {
        broken_ = true;
        return *failure;
      }
      return lost("reading a pipeline");
    }
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
    if (!failure && !Succeeded(r.get())) failure = StatementError(r.get(), Healthy(), "postgres: ");
    if (i >= queued.size()) out.push_back(Run{std::move(r)});
  }
  PgResult sync(PQgetResult(conn_));
  if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) return lost("ending a pipeline");
  if (PQexitPipelineMode(conn_) != 1) return lost("ending a pipeline");
  if (failure) return *failure;
  return out;
}

Result<int64_t> PgConnection::Exec(std::string_view sql, const std::vector<SqlValue>& params) {
  AIPROD_ASSIGN(Run run, Execute(sql, params));
  const char* n = PQcmdTuples(run.result.get());
  return static_cast<int64_t>(n && *n ? std::atoll(n) : 0);
}

Result<SqlRows> PgConnection::Query(std::string_view sql, const std::vector<SqlValue>& params) {
  AIPROD_ASSIGN(Run run, Execute(sql, params));
  return RowsOf(run.result.get());
}

Result<std::vector<SqlRows>> PgConnection::QueryAll(std::span<const SqlStatement> statements) {
  std::vector<const SqlStatement*> list;
  list.reserve(statements.size());
  for (const SqlStatement& s : statements) list.push_back(&s);
  AIPROD_ASSIGN(auto runs, Pipeline(list));
  std::vector<SqlRows> out;
  out.reserve(runs.size());
  for (const Run& run : runs) out.push_back(RowsOf(run.result.get()));
  return out;
}

Status PgConnection::Defer(SqlStatement statement) {
  if (!in_tx_) return SqlConnection::Defer(std::move(statement));
  pending_.push_back(std::move(statement));
  if (pending_.size() >= kMaxPending) AIPROD_TRY(Pipeline({}));
  return {};
}

Status PgConnection::ExecScript(std::string_view sql) {
  if (!pending_.empty()) AIPROD_TRY(Pipeline({}));
  PgResult r(PQexec(conn_, std::string(sql).c_str()));
  if (!Succeeded(r.get())) return StatementError(r.get(), Healthy(), "postgres: ");
  return {};
}

Status PgConnection::BeginWrite() {
  // Sent with the transaction's first statement.
  pending_.push_back({kBegin, {}});
  in_tx_ = true;
  return {};
}

Status PgConnection::Commit() {
  in_tx_ = false;
  if (pending_.size() == 1 && pending_.front().sql == kBegin) {
    pending_.clear();  // nothing was sent: nothing to commit
    return {};
  }
  if (!pending_.empty()) {
    static const SqlStatement kCommit{"COMMIT", {}};
    const SqlStatement* commit = &kCommit;
    AIPROD_ASSIGN(auto runs, Pipeline(std::span(&commit, 1)));
    return CommitOutcome(runs.front().result.get(), Healthy());
  }
  PgResult r(PQexec(conn_, "COMMIT"));
  return CommitOutcome(r.get(), Healthy());
}

void PgConnection::Rollback() {
  pending_.clear();  // never sent: nothing of it to undo
  if (PQtransactionStatus(conn_) != PQTRANS_IDLE) {
    PgResult r(PQexec(conn_, "ROLLBACK"));
  }
  in_tx_ = false;
}

}  // namespace aiprod
