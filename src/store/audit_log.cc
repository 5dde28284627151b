#include "store/audit_log.h"

#include <map>

#include "core/hash.h"
#include "store/group_commit.h"
#include "store/sql_repositories.h"

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
  e.brand = rows.Text(i, "brand");
  // Keep the stored text exactly: the hash covers it.
  e.detail = Json::parse(rows.Text(i, "detail", "{}"), nullptr, false);
  if (e.detail.is_discarded()) e.detail = rows.Text(i, "detail");
  r.prev_hash = rows.Text(i, "prev_hash");
  r.hash = rows.Text(i, "hash");
  return r;
}

constexpr std::string_view kSelectRows =
    "SELECT seq, at, principal, action, target, outcome, request_id, source, detail, prev_hash, "
    "hash, brand FROM audit_log ";

std::string DetailText(const Json& d) {
  return d.is_string() ? d.get<std::string>()
                       : d.dump(-1, ' ', false, Json::error_handler_t::replace);
}

class SqlAuditLog final : public AuditLog {
 public:
  // `key`: audit_key; empty writes (and verifies) a plain chain.
  SqlAuditLog(std::shared_ptr<ConnectionPool> pool, std::string key);

  Status Append(AuditEntry e) override;
  Result<std::vector<AuditRow>> List(int64_t after_seq, int limit) override;
  Result<std::vector<AuditRow>> ListForBrands(const std::vector<std::string>& brands,
                                              int64_t after_seq, int limit) override;
  Result<AuditVerification> Verify(const AuditAnchor* anchor) override;

 private:
  Status Write(std::span<AuditEntry* const> batch);
  // Adds the problems of `anchor` given the hash of its row, if the chain has it.
  void CheckAnchor(const AuditAnchor& anchor, const std::optional<std::string>& row_hash,
                   AuditVerification& v) const;

  std::shared_ptr<ConnectionPool> pool_;
  const std::string key_;
  GroupCommit<AuditEntry> appends_;
};

}  // namespace

std::unique_ptr<AuditLog> NewSqlAuditLog(std::shared_ptr<ConnectionPool> pool, std::string key) {
  return std::make_unique<SqlAuditLog>(std::move(pool), std::move(key));
}

std::string AuditHash(const std::string& prev_hash, const AuditEntry& e) {
  Json canonical = Json::array({e.at_ms, e.principal, e.action, e.target, e.outcome, e.request_id,
                                e.source, DetailText(e.detail)});
  if (!e.brand.empty()) canonical.push_back(e.brand);
  return Sha256Hex(prev_hash + "\n" +
                   canonical.dump(-1, ' ', false, Json::error_handler_t::replace));
}

std::string AuditHmac(std::string_view key, const std::string& prev_hash, const AuditEntry& e) {
  return std::string(kAuditKeyedPrefix) + HmacSha256Hex(key, AuditHash(prev_hash, e));
}

SqlAuditLog::SqlAuditLog(std::shared_ptr<ConnectionPool> pool, std::string key)
    : pool_(std::move(pool)),
      key_(std::move(key)),
      appends_([this](std::span<AuditEntry* const> b) { return Write(b); }) {}

Status SqlAuditLog::Append(AuditEntry e) { return appends_.Submit(e); }

Status SqlAuditLog::Write(std::span<AuditEntry* const> batch) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(*c));
  // The write transaction serializes appenders (SQLite: database lock;
  // PostgreSQL: the lead's dialect must lock the table or an advisory lock).
  AIPROD_ASSIGN(auto last, c->Query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
  int64_t seq = last.empty() ? 0 : last.Int(0, "seq");
  std::string prev = last.empty() ? kAuditGenesis : last.Text(0, "hash");
  if (key_.empty() && prev.starts_with(kAuditKeyedPrefix)) {
    // A plain row after keyed ones would read as a rewrite.
    return Fail(ErrorCode::kConflict,
                "the audit log is keyed: set audit_key (AIPROD_AUDIT_KEY) to append to it",
                "audit_key");
  }
  for (const AuditEntry* entry : batch) {
    const AuditEntry& e = *entry;
    std::string hash = key_.empty() ? AuditHash(prev, e) : AuditHmac(key_, prev, e);
    AIPROD_TRY(
        c->Exec("INSERT INTO audit_log (seq, at, principal, action, target, outcome, "
                "request_id, source, detail, prev_hash, hash, brand) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {++seq, e.at_ms, e.principal, e.action, e.target, e.outcome, e.request_id, e.source,
                 DetailText(e.detail), prev, hash, e.brand}));
    prev = std::move(hash);
  }
  return tx.Commit();
}

Result<std::vector<AuditRow>> SqlAuditLog::List(int64_t after_seq, int limit) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto rows, c->Query(std::string(kSelectRows) + "WHERE seq > ? ORDER BY seq LIMIT ?",
                                    {after_seq, int64_t{limit}}));
  std::vector<AuditRow> out;
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(RowFrom(rows, i));
  return out;
}

Result<std::vector<AuditRow>> SqlAuditLog::ListForBrands(const std::vector<std::string>& brands,
                                                         int64_t after_seq, int limit) {
  std::vector<AuditRow> out;
  if (brands.empty()) return out;
  std::string sql = std::string(kSelectRows) + "WHERE brand IN (";
  std::vector<SqlValue> params;
  for (const auto& b : brands) {
    sql += params.empty() ? "?" : ", ?";
    params.push_back(b);
  }
  sql += ") AND seq > ? ORDER BY seq LIMIT ?";
  params.push_back(after_seq);
  params.push_back(int64_t{limit});
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto rows, c->Query(sql, params));
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(RowFrom(rows, i));
  return out;
}

Result<AuditVerification> SqlAuditLog::Verify(const AuditAnchor* anchor) {
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
  int64_t first_keyed = 0;
  std::optional<std::string> anchored_hash;  // of the row the anchor names
  for (const AuditRow& r : all) {
    ++v.rows;
    const bool keyed = r.hash.starts_with(kAuditKeyedPrefix);
    if (keyed && !first_keyed) first_keyed = r.seq;
    v.keyed_rows += keyed;
    if (keyed && key_.empty()) {
      if (first_keyed == r.seq) {
        v.problems.push_back(
            {r.seq, "unchecked",
             "rows from " + std::to_string(r.seq) +
                 " on are keyed, but audit_key is not set: they cannot be checked"});
      }
    } else if ((keyed ? AuditHmac(key_, r.prev_hash, r.entry) : AuditHash(r.prev_hash, r.entry)) !=
               r.hash) {
      v.problems.push_back(
          {r.seq, "changed",
           "row " + std::to_string(r.seq) + " does not match its hash: it was changed"});
    } else if (!keyed && first_keyed) {
      v.problems.push_back({r.seq, "unkeyed",
                            "row " + std::to_string(r.seq) + " is not keyed but row " +
                                std::to_string(first_keyed) +
                                " before it is: it was rewritten without audit_key"});
    }
    if (anchor && r.seq == anchor->seq) anchored_hash = r.hash;
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
  if (!key_.empty() && v.rows > 0 && v.keyed_rows == 0) {
    v.problems.push_back({v.head_seq, "unkeyed",
                          "no row is keyed although audit_key is set: the chain was rewritten, "
                          "or nothing was appended since the key was set"});
  }
  if (anchor) CheckAnchor(*anchor, anchored_hash, v);
  return v;
}

void SqlAuditLog::CheckAnchor(const AuditAnchor& a, const std::optional<std::string>& row_hash,
                              AuditVerification& v) const {
  const std::string row = "row " + std::to_string(a.seq);
  if (key_.empty()) {
    v.problems.push_back({a.seq, "anchor", "audit_key is not set: the anchor cannot be checked"});
  } else if (!AnchorSignatureValid(key_, a)) {
    v.problems.push_back({a.seq, "anchor",
                          "the anchor's mac does not match audit_key: it was forged or altered, "
                          "or made with another key"});
  } else if (v.head_seq < a.seq) {
    v.problems.push_back({a.seq, "truncated",
                          "the chain ends at row " + std::to_string(v.head_seq) +
                              " but the anchor names " + row + ": rows were cut off its tail"});
  } else if (row_hash != a.hash) {
    v.problems.push_back(
        {a.seq, "anchor",
         row + " is not the row anchored at " + a.at + ": the rows up to it were rewritten"});
  }
}

}  // namespace aiprod
