#include "pipeline/db_brand_source.h"

namespace aiprod {

Result<BrandKit> DbBrandSource::Find(const std::string& brand_id) const {
  AIPROD_ASSIGN(auto stored, repo_.Get(brand_id));
  if (stored) return BrandKitFromJson(stored->kit);
  if (!fallback_)
    return Fail(ErrorCode::kNotFound, "no brand kit '" + brand_id + "' in the database");
  auto kit = fallback_->Find(brand_id);
  // Where it was looked for, all of it: the submitter is told (pipeline/job_actions).
  if (!kit && kit.error().code == ErrorCode::kNotFound) {
    return Fail(ErrorCode::kNotFound, kit.error().message + " (nor in the database)");
  }
  return kit;
}

}  // namespace aiprod
