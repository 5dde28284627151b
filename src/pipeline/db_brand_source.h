// Brand kits from the database (`brands` table, written by PUT /v1/brands/{id}
// and `aiprod brands import`), falling back to another source (the brand kit
// files directory) for ids the database does not know. Thread-safe.
#pragma once

#include <memory>

#include "creative/brand_source.h"
#include "store/brands.h"

namespace aiprod {

class DbBrandSource final : public BrandSource {
 public:
  // `repo` outlives the source; `fallback` may be null (database only).
  DbBrandSource(BrandRepository& repo, std::unique_ptr<BrandSource> fallback)
      : repo_(repo), fallback_(std::move(fallback)) {}
  Result<BrandKit> Find(const std::string& brand_id) const override;

 private:
  BrandRepository& repo_;
  std::unique_ptr<BrandSource> fallback_;
};

}  // namespace aiprod
