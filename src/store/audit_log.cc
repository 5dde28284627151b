#include "store/audit_log.h"

#include <map>

#include "core/hash.h"

namespace aiprod {
namespace {

AuditRow RowFrom(const SqlRows& rows, size_t i) {
  AuditRow r;
  r.seq = rows.Int(i, "seq");
  AuditEntry& e = r.entry;
  e.at_ms = rows.Int(i, "at");
  e.principal = rows.Text(i, "principal");
  e.action = rows.Text(i, "action");
  e.target = rows.Text(i, "target");
  e.outcome = rows.Text(i, "outcome");
  e.request_id = rows.Text(i, "request_id");
  e.source = rows.Text(i, "source");
  // Keep the stored text exactly: the hash covers it.
  e.detail = Json::parse(rows.Text(i, "detail", "{}"), nullptr, false);
  if (e.detail.is_discarded()) e.detail = rows.Text(i, "detail");
  r.prev_hash = rows.Text(i, "prev_hash");
  r.hash = rows.Text(i, "hash");
  return r;
}

std::string DetailText(const Json& d) {
  return d.is_string() ? d.get<std::string>()
                       : d.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string AuditHash(const std::string& prev_hash, const AuditEntry& e) {
  Json canonical = Json::array({e.at_ms, e.principal, e.action, e.target, e.outcome, e.request_id,
                                e.source, DetailText(e.detail)});
  return Sha256Hex(prev_hash + "\n" +
                   canonical.dump(-1, ' ', false, Json::error_handler_t::replace));
}

AuditLog::AuditLog(std::shared_ptr<ConnectionPool> pool)
    : pool_(std::move(pool)),
      appends_([this](std::span<AuditEntry* const> b) { return Write(b); }) {}

Status AuditLog::Append(AuditEntry e) { return appends_.Submit(e); }

Status AuditLog::Write(std::span<AuditEntry* const> batch) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(*c));
  // The write transaction serializes appenders (SQLite: database lock;
  // PostgreSQL: the lead's dialect must lock the table or an advisory lock).
  AIPROD_ASSIGN(auto last, c->Query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
  int64_t seq = last.empty() ? 0 : last.Int(0, "seq");
  std::string prev = last.empty() ? kAuditGenesis : last.Text(0, "hash");
  for (const AuditEntry* entry : batch) {
    const AuditEntry& e = *entry;
    std::string hash = AuditHash(prev, e);
    AIPROD_TRY(
        c->Exec("INSERT INTO audit_log (seq, at, principal, action, target, outcome, "
                "request_id, source, detail, prev_hash, hash) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {++seq, e.at_ms, e.principal, e.action, e.target, e.outcome, e.request_id, e.source,
                 DetailText(e.detail), prev, hash}));
    prev = std::move(hash);
  }
  return tx.Commit();
}

Result<std::vector<AuditRow>> AuditLog::List(int64_t after_seq, int limit) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto rows, c->Query("SELECT seq, at, principal, action, target, outcome, "
                                    "request_id, source, detail, prev_hash, hash FROM audit_log "
                                    "WHERE seq > ? ORDER BY seq LIMIT ?",
                                    {after_seq, int64_t{limit}}));
  std::vector<AuditRow> out;
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(RowFrom(rows, i));
  return out;
}

Result<AuditVerification> AuditLog::Verify() {
  // Pass 1: every row's stored hash, to say where a misplaced row belongs.
  std::map<std::string, int64_t> seq_of_hash;
  std::vector<AuditRow> all;
  for (int64_t after = 0;;) {
    AIPROD_ASSIGN(auto page, List(after, 5000));
    if (page.empty()) break;
    after = page.back().seq;
    for (auto& r : page) {
      seq_of_hash.emplace(r.hash, r.seq);
      all.push_back(std::move(r));
    }
  }
  AuditVerification v;
  std::string expected_prev = kAuditGenesis;
  int64_t expected_seq = 1;
  for (const AuditRow& r : all) {
    ++v.rows;
    if (AuditHash(r.prev_hash, r.entry) != r.hash) {
      v.problems.push_back(
          {r.seq, "changed",
           "row " + std::to_string(r.seq) + " does not match its hash: it was changed"});
    }
    if (r.seq != expected_seq) {
      v.problems.push_back({r.seq, "removed",
                            r.seq > expected_seq
                                ? "rows " + std::to_string(expected_seq) + ".." +
                                      std::to_string(r.seq - 1) + " are missing"
                                : "row " + std::to_string(r.seq) + " is out of sequence"});
    } else if (r.prev_hash != expected_prev) {
      auto it = seq_of_hash.find(r.prev_hash);
      if (it != seq_of_hash.end()) {
        v.problems.push_back({r.seq, "reordered",
                              "row " + std::to_string(r.seq) + " was written after row " +
                                  std::to_string(it->second) + ": rows were reordered"});
      } else if (r.prev_hash == kAuditGenesis) {
        v.problems.push_back(
            {r.seq, "reordered",
             "row " + std::to_string(r.seq) + " was the first row written: rows were reordered"});
      } else {
        v.problems.push_back(
            {r.seq, "removed",
             "the row written before row " + std::to_string(r.seq) + " is missing or was changed"});
      }
    }
    expected_prev = r.hash;
    expected_seq = r.seq + 1;
    v.head_seq = r.seq;
    v.head_hash = r.hash;
  }
  return v;
}

}  // namespace aiprod
