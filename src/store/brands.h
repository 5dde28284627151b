// Brand kits stored in the database (JSON text, validated by the caller with
// BrandKitFromJson before `Put`). Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/json.h"
#include "store/pool.h"

namespace aiprod {

struct StoredBrand {
  std::string id;
  Json kit;
  int64_t revision = 0;
  std::string updated_by;
  int64_t created_at_ms = 0, updated_at_ms = 0;
};

class BrandRepository {
 public:
  explicit BrandRepository(std::shared_ptr<ConnectionPool> pool) : pool_(std::move(pool)) {}

  // nullopt when the database has no kit with that id.
  Result<std::optional<StoredBrand>> Get(const std::string& id);
  // Inserts or replaces the kit; returns the stored row (revision + 1).
  Result<StoredBrand> Put(const std::string& id, const Json& kit, const std::string& by,
                          int64_t now_ms);

 private:
  std::shared_ptr<ConnectionPool> pool_;
};

}  // namespace aiprod
