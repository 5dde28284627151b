#include "store/api_keys.h"

#include "store/sql_repositories.h"

#include "core/hash.h"
#include "core/ids.h"
#include "core/json.h"

namespace aiprod {
namespace {

constexpr const char* kColumns =
    "id, prefix, name, role, brands, created_by, created_at, last_used_at, revoked_at, "
    "revoked_by";

ApiKeyRecord FromRow(const SqlRows& rows, size_t i) {
  ApiKeyRecord r;
  r.id = rows.Text(i, "id");
  r.prefix = rows.Text(i, "prefix");
  r.name = rows.Text(i, "name");
  r.role = rows.Text(i, "role");
  auto brands = Json::parse(rows.Text(i, "brands", "[]"), nullptr, false);
  if (brands.is_array()) {
    for (const auto& b : brands) {
      if (b.is_string()) r.brands.push_back(b);
    }
  }
  r.created_by = rows.Text(i, "created_by");
  r.created_at_ms = rows.Int(i, "created_at");
  if (!rows.IsNull(i, "last_used_at")) r.last_used_ms = rows.Int(i, "last_used_at");
  if (!rows.IsNull(i, "revoked_at")) r.revoked_ms = rows.Int(i, "revoked_at");
  r.revoked_by = rows.Text(i, "revoked_by");
  return r;
}

class SqlApiKeyRepository final : public ApiKeyRepository {
 public:
  explicit SqlApiKeyRepository(std::shared_ptr<ConnectionPool> pool) : pool_(std::move(pool)) {}
  Result<std::pair<ApiKeyRecord, std::string>> Create(const NewApiKey& k, int64_t now_ms) override;
  Result<ApiKeyRecord> FindActive(std::string_view key) override;
  Result<ApiKeyRecord> Get(const std::string& id) override;
  Result<std::vector<ApiKeyRecord>> List() override;
  Status Revoke(const std::string& id, const std::string& by, int64_t now_ms) override;
  Status RecordUse(const std::vector<std::pair<std::string, int64_t>>& uses) override;

 private:
  std::shared_ptr<ConnectionPool> pool_;
};

}  // namespace

std::unique_ptr<ApiKeyRepository> NewSqlApiKeyRepository(std::shared_ptr<ConnectionPool> pool) {
  return std::make_unique<SqlApiKeyRepository>(std::move(pool));
}

bool LooksLikeApiKey(std::string_view s) {
  if (s.size() != 7 + 48 || !s.starts_with("aiprod_")) return false;
  for (char c : s.substr(7)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<std::pair<ApiKeyRecord, std::string>> SqlApiKeyRepository::Create(const NewApiKey& k,
                                                                         int64_t now_ms) {
  std::string key = "aiprod_" + RandomHex(24);
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_TRY(
      c->Exec("INSERT INTO api_keys (id, key_hash, prefix, name, role, brands, created_by, "
              "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              {k.id, Sha256Hex(key), key.substr(0, 12), k.name, k.role, Json(k.brands).dump(),
               k.created_by, now_ms}));
  ApiKeyRecord r{k.id, key.substr(0, 12), k.name, k.role, k.brands, k.created_by, now_ms, {}, {},
                 {}};
  return std::pair{std::move(r), std::move(key)};
}

Result<ApiKeyRecord> SqlApiKeyRepository::FindActive(std::string_view key) {
  if (!LooksLikeApiKey(key)) return Fail(ErrorCode::kNotFound, "unknown API key");
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  static const std::string sql = std::string("SELECT ") + kColumns +
                                 " FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL";
  AIPROD_ASSIGN(auto rows, c->Query(sql, {Sha256Hex(key)}));
  if (rows.empty()) return Fail(ErrorCode::kNotFound, "unknown or revoked API key");
  return FromRow(rows, 0);
}

Result<ApiKeyRecord> SqlApiKeyRepository::Get(const std::string& id) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto rows,
                c->Query(std::string("SELECT ") + kColumns + " FROM api_keys WHERE id = ?", {id}));
  if (rows.empty()) return Fail(ErrorCode::kNotFound, "no API key with id " + id);
  return FromRow(rows, 0);
}

Result<std::vector<ApiKeyRecord>> SqlApiKeyRepository::List() {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto rows,
                c->Query(std::string("SELECT ") + kColumns + " FROM api_keys ORDER BY id"));
  std::vector<ApiKeyRecord> out;
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(FromRow(rows, i));
  return out;
}

Status SqlApiKeyRepository::Revoke(const std::string& id, const std::string& by, int64_t now_ms) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(*c));
  AIPROD_ASSIGN(auto rows, c->Query("SELECT revoked_at FROM api_keys WHERE id = ?", {id}));
  if (rows.empty()) return Fail(ErrorCode::kNotFound, "no API key with id " + id);
  if (!rows.IsNull(0, "revoked_at")) {
    return Fail(ErrorCode::kConflict, "API key " + id + " is already revoked");
  }
  AIPROD_TRY(
      c->Exec("UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE id = ?", {now_ms, by, id}));
  return tx.Commit();
}

Status SqlApiKeyRepository::RecordUse(const std::vector<std::pair<std::string, int64_t>>& uses) {
  if (uses.empty()) return {};
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(*c));
  for (const auto& [id, at] : uses) {
    AIPROD_TRY(
        c->Exec("UPDATE api_keys SET last_used_at = ? WHERE id = ? AND "
                "(last_used_at IS NULL OR last_used_at < ?)",
                {at, id, at}));
  }
  return tx.Commit();
}

}  // namespace aiprod
