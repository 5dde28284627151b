#include "pipeline/db_brand_source.h"

namespace aiprod {

Result<BrandKit> DbBrandSource::Find(const std::string& brand_id) const {
  AIPROD_ASSIGN(auto stored, repo_.Get(brand_id));
  if (stored) return BrandKitFromJson(stored->kit);
  if (fallback_) return fallback_->Find(brand_id);
  return Fail(ErrorCode::kNotFound, "no brand kit '" + brand_id + "'");
}

}  // namespace aiprod
