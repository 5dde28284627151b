// The audit log: append-only, one row per security-relevant action, each row
// chained to the previous one by hash, so that a changed, removed or
// reordered row is detected by `Verify` (`aiprod audit verify`).
//
// Row hash = SHA-256(prev_hash "\n" canonical JSON of the row's fields); the
// first row's prev_hash is 64 zeros. With `audit_key` (a secret kept outside
// the database) rows are keyed: hash = "hmac-sha256:" HMAC-SHA256(audit_key,
// that SHA-256), so that someone who can write the database but lacks the key
// cannot recompute the chain after removing or changing a row. Rows written
// before the key was set stay plain and still verify; the first keyed row
// seals them (its HMAC covers their head). After a keyed row, a plain row is
// a rewrite; a key set but no keyed row at all is reported too. Without a key
// the chain is plain ("unkeyed": it only catches edits that do not recompute
// the hashes), and a writer without the key refuses to extend a keyed chain.
// Truncating the tail cannot be detected from the table alone: an anchor
// (store/audit_anchor.h) kept elsewhere catches that.
//
// Thread-safe. `Append` returns once the row is durably committed; concurrent
// appends are committed together in one transaction (group commit).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/json.h"
#include "store/audit_anchor.h"

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
  // The brand the target belongs to, "" when none or several: brand-scoped
  // admins see only their brands' rows. Hashed only when set (rows written
  // before the column existed keep their hashes).
  std::string brand;
};

struct AuditRow {
  int64_t seq = 0;
  AuditEntry entry;
  std::string prev_hash, hash;
};

// The hash of a row with these fields following `prev_hash`.
std::string AuditHash(const std::string& prev_hash, const AuditEntry& e);
// The keyed hash of that row: kAuditKeyedPrefix + HMAC-SHA256(key, AuditHash).
std::string AuditHmac(std::string_view key, const std::string& prev_hash, const AuditEntry& e);
inline constexpr std::string_view kAuditKeyedPrefix = "hmac-sha256:";
inline const std::string kAuditGenesis(64, '0');

struct AuditProblem {
  int64_t seq = 0;
  // "changed" | "removed" | "reordered"; "unkeyed" (a plain row where keyed
  // ones are due), "unchecked" (keyed rows, no key to check them);
  // against an anchor: "anchor" (forged anchor, or its row differs),
  // "truncated" (the chain ends before the anchor's row).
  std::string kind;
  std::string message;
};

struct AuditVerification {
  int64_t rows = 0;
  int64_t head_seq = 0;
  std::string head_hash;
  int64_t keyed_rows = 0;  // rows with an HMAC (the rest are plain SHA-256)
  std::vector<AuditProblem> problems;
};

// Opened with the store, with its key (Database::OpenAuditLog in
// store/database.h).
class AuditLog {
 public:
  virtual ~AuditLog() = default;

  // Rows appended at the same time share one transaction (group_commit.h).
  virtual Status Append(AuditEntry e) = 0;
  // Rows with seq > after_seq, oldest first, at most `limit`.
  virtual Result<std::vector<AuditRow>> List(int64_t after_seq, int limit) = 0;
  // The same, only rows whose brand is one of `brands` (none if empty).
  virtual Result<std::vector<AuditRow>> ListForBrands(const std::vector<std::string>& brands,
                                                      int64_t after_seq, int limit) = 0;
  // Checks every row; with `anchor`, also that the chain still holds the
  // anchor's row unchanged (the anchor's mac is checked with the key).
  virtual Result<AuditVerification> Verify(const AuditAnchor* anchor = nullptr) = 0;
};

}  // namespace aiprod
