#include "store/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <cstdio>
#include <cstring>

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
std::unexpected<Error> StatementError(const PGresult* r, bool connection_ok, std::string prefix) {
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

bool PgConnection::Healthy() { return PQstatus(conn_) == CONNECTION_OK; }

Result<PgConnection::Run> PgConnection::Execute(std::string_view sql,
                                                const std::vector<SqlValue>& params) {
  std::string name;
  if (auto it = prepared_.find(sql); it != prepared_.end()) {
    name = it->second;
  } else {
    name = "s" + std::to_string(prepared_.size() + 1);
    PgResult prep(PQprepare(conn_, name.c_str(), ToDollarParams(sql).c_str(), 0, nullptr));
    if (PQresultStatus(prep.get()) != PGRES_COMMAND_OK) {
      return StatementError(prep.get(), Healthy(), "prepare: ");
    }
    prepared_.emplace(std::string(sql), name);
  }
  std::vector<std::string> text(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  for (size_t i = 0; i < params.size(); ++i) {
    const SqlValue& v = params[i];
    if (std::holds_alternative<std::monostate>(v)) continue;
    if (auto* n = std::get_if<int64_t>(&v)) {
      text[i] = std::to_string(*n);
    } else if (auto* d = std::get_if<double>(&v)) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", *d);
      text[i] = buf;
    } else {
      text[i] = std::get<std::string>(v);
    }
    values[i] = text[i].c_str();
  }
  PgResult r(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), values.data(),
                            nullptr, nullptr, 0));
  auto status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    if (!Healthy()) prepared_.clear();
    return StatementError(r.get(), Healthy(), "postgres: ");
  }
  return Run{std::move(r)};
}

Result<int64_t> PgConnection::Exec(std::string_view sql, const std::vector<SqlValue>& params) {
  AIPROD_ASSIGN(Run run, Execute(sql, params));
  const char* n = PQcmdTuples(run.result.get());
  return static_cast<int64_t>(n && *n ? std::atoll(n) : 0);
}

Result<SqlRows> PgConnection::Query(std::string_view sql, const std::vector<SqlValue>& params) {
  AIPROD_ASSIGN(Run run, Execute(sql, params));
  PGresult* r = run.result.get();
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

Status PgConnection::ExecScript(std::string_view sql) {
  PgResult r(PQexec(conn_, std::string(sql).c_str()));
  auto status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return StatementError(r.get(), Healthy(), "postgres: ");
  }
  return {};
}

Status PgConnection::BeginWrite() {
  AIPROD_TRY(ExecScript("BEGIN"));
  in_tx_ = true;
  return {};
}

Status PgConnection::Commit() {
  in_tx_ = false;
  // COMMIT of a transaction that a failed statement aborted "succeeds" with
  // the tag ROLLBACK: nothing was written, and the caller must know.
  PgResult r(PQexec(conn_, "COMMIT"));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK)
    return StatementError(r.get(), Healthy(), "postgres: ");
  if (std::strcmp(PQcmdStatus(r.get()), "ROLLBACK") == 0) {
    return Fail(ErrorCode::kInternal, "postgres: the transaction was aborted and rolled back");
  }
  return {};
}

void PgConnection::Rollback() {
  if (in_tx_ || PQtransactionStatus(conn_) != PQTRANS_IDLE) {
    PgResult r(PQexec(conn_, "ROLLBACK"));
  }
  in_tx_ = false;
}

}  // namespace aiprod
