// API keys: long random secrets given to programs. Only the SHA-256 of a key
// is stored (the plaintext is shown once, at creation); revocation takes
// effect at the next request because every request looks the key up.
// Thread-safe (each call takes its own pooled connection).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace aiprod {

struct ApiKeyRecord {
  std::string id;      // UUIDv7
  std::string prefix;  // first characters of the key, to recognise it in listings
  std::string name;
  std::string role;                 // viewer | editor | admin
  std::vector<std::string> brands;  // brand ids, or {"*"} for every brand
  std::string created_by;
  int64_t created_at_ms = 0;
  std::optional<int64_t> last_used_ms;
  std::optional<int64_t> revoked_ms;
  std::string revoked_by;
};

struct NewApiKey {
  std::string id;  // UUIDv7 chosen by the caller
  std::string name;
  std::string role;
  std::vector<std::string> brands;
  std::string created_by;
};

// "aiprod_" followed by 48 hex digits (192 random bits).
bool LooksLikeApiKey(std::string_view s);

// Opened with the store (store/database.h).
class ApiKeyRepository {
 public:
  virtual ~ApiKeyRepository() = default;

  // Creates a key; returns its record and the plaintext, which is never stored.
  virtual Result<std::pair<ApiKeyRecord, std::string>> Create(const NewApiKey& k,
                                                              int64_t now_ms) = 0;
  // The unrevoked key whose plaintext is `key`; kNotFound otherwise.
  virtual Result<ApiKeyRecord> FindActive(std::string_view key) = 0;
  virtual Result<ApiKeyRecord> Get(const std::string& id) = 0;
  virtual Result<std::vector<ApiKeyRecord>> List() = 0;
  // kNotFound for an unknown id, kConflict if already revoked.
  virtual Status Revoke(const std::string& id, const std::string& by, int64_t now_ms) = 0;
  // Records last use times (key id, ms) in one transaction.
  virtual Status RecordUse(const std::vector<std::pair<std::string, int64_t>>& uses) = 0;
};

}  // namespace aiprod
