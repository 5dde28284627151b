// Brand kits stored in the database (JSON text, validated by the caller with
// BrandKitFromJson before `Put`). Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/json.h"

namespace aiprod {

struct StoredBrand {
  std::string id;
  Json kit;
  int64_t revision = 0;
  std::string updated_by;
  int64_t created_at_ms = 0, updated_at_ms = 0;
};

// Opened with the store (store/database.h).
class BrandRepository {
 public:
  virtual ~BrandRepository() = default;

  // nullopt when the database has no kit with that id.
  virtual Result<std::optional<StoredBrand>> Get(const std::string& id) = 0;
  // Inserts or replaces the kit; returns the stored row (revision + 1).
  virtual Result<StoredBrand> Put(const std::string& id, const Json& kit, const std::string& by,
                                  int64_t now_ms) = 0;
};

}  // namespace aiprod
