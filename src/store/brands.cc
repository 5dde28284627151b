#include "store/brands.h"

#include "store/sql_repositories.h"

namespace aiprod {
namespace {

class SqlBrandRepository final : public BrandRepository {
 public:
  explicit SqlBrandRepository(std::shared_ptr<ConnectionPool> pool) : pool_(std::move(pool)) {}
  Result<std::optional<StoredBrand>> Get(const std::string& id) override;
  Result<StoredBrand> Put(const std::string& id, const Json& kit, const std::string& by,
                          int64_t now_ms) override;

 private:
  std::shared_ptr<ConnectionPool> pool_;
};

}  // namespace

std::unique_ptr<BrandRepository> NewSqlBrandRepository(std::shared_ptr<ConnectionPool> pool) {
  return std::make_unique<SqlBrandRepository>(std::move(pool));
}

Result<std::optional<StoredBrand>> SqlBrandRepository::Get(const std::string& id) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto rows, c->Query("SELECT id, kit, revision, updated_by, created_at, updated_at "
                                    "FROM brands WHERE id = ?",
                                    {id}));
  if (rows.empty()) return std::optional<StoredBrand>();
  StoredBrand b;
  b.id = rows.Text(0, "id");
  b.kit = Json::parse(rows.Text(0, "kit"), nullptr, false);
  if (b.kit.is_discarded()) return Fail(ErrorCode::kInternal, "brand kit " + id + " is corrupt");
  b.revision = rows.Int(0, "revision");
  b.updated_by = rows.Text(0, "updated_by");
  b.created_at_ms = rows.Int(0, "created_at");
  b.updated_at_ms = rows.Int(0, "updated_at");
  return std::optional<StoredBrand>(std::move(b));
}

Result<StoredBrand> SqlBrandRepository::Put(const std::string& id, const Json& kit,
                                            const std::string& by, int64_t now_ms) {
  {
    AIPROD_ASSIGN(auto c, pool_->Acquire());
    AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(*c));
    AIPROD_TRY(
        c->Exec("INSERT INTO brands (id, kit, revision, updated_by, created_at, updated_at) "
                "VALUES (?, ?, 1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "kit = excluded.kit, revision = brands.revision + 1, "
                "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                {id, kit.dump(), by, now_ms, now_ms}));
    AIPROD_TRY(tx.Commit());
  }
  AIPROD_ASSIGN(auto stored, Get(id));
  if (!stored) return Fail(ErrorCode::kInternal, "brand kit " + id + " vanished after writing");
  return std::move(*stored);
}

}  // namespace aiprod
