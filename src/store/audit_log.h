// The audit log: append-only, one row per security-relevant action, each row
// chained to the previous one by hash, so that a changed, removed or
// reordered row is detected by `Verify` (`aiprod audit verify`).
//
// Row hash = SHA-256(prev_hash "\n" canonical JSON of the row's fields); the
// first row's prev_hash is 64 zeros. Truncating the tail cannot be detected
// from the table alone: record `head_hash` elsewhere to catch that.
//
// Thread-safe. `Append` returns once the row is durably committed; concurrent
// appends are committed together in one transaction (group commit).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/json.h"
#include "store/group_commit.h"
#include "store/pool.h"

namespace aiprod {

struct AuditEntry {
  int64_t at_ms = 0;
  std::string principal;   // "key:<id>", "jwt:<sub>", "cli:<user>", "" when unknown
  std::string action;      // "auth.failure", "job.create", "key.revoke", ...
  std::string target;      // what was acted on: a job id, a key id, a path
  std::string outcome;     // "success", "denied", or a failure reason code
  std::string request_id;  // the HTTP request id, if any
  std::string source;      // client address, "cli", "server"
  Json detail = Json::object();
};

struct AuditRow {
  int64_t seq = 0;
  AuditEntry entry;
  std::string prev_hash, hash;
};

// The hash of a row with these fields following `prev_hash`.
std::string AuditHash(const std::string& prev_hash, const AuditEntry& e);
inline const std::string kAuditGenesis(64, '0');

struct AuditProblem {
  int64_t seq = 0;
  std::string kind;  // "changed" | "removed" | "reordered"
  std::string message;
};

struct AuditVerification {
  int64_t rows = 0;
  int64_t head_seq = 0;
  std::string head_hash;
  std::vector<AuditProblem> problems;
};

class AuditLog {
 public:
  explicit AuditLog(std::shared_ptr<ConnectionPool> pool);

  // Rows appended at the same time share one transaction (group_commit.h).
  Status Append(AuditEntry e);
  // Rows with seq > after_seq, oldest first, at most `limit`.
  Result<std::vector<AuditRow>> List(int64_t after_seq, int limit);
  Result<AuditVerification> Verify();

 private:
  Status Write(std::span<AuditEntry* const> batch);

  std::shared_ptr<ConnectionPool> pool_;
  GroupCommit<AuditEntry> appends_;
};

}  // namespace aiprod
