#include "creative/brand_source.h"

#include <filesystem>

#include "core/json.h"

namespace aiprod {

Result<BrandKit> LoadBrandFile(const std::string& path, size_t max_bytes) {
  AIPROD_ASSIGN(Json j, ReadJsonFile(path, "brand kit", max_bytes));
  auto kit = BrandKitFromJson(j);
  if (!kit) {
    Error e = kit.error();
    e.message = path + ": " + e.message;
    return Unexpected(e);
  }
  return kit;
}

Result<BrandKit> FileBrandSource::Find(const std::string& brand_id) const {
  // Brand ids are validated to [A-Za-z0-9_-] before they get here, so this
  // path cannot leave the directory.
  auto kit = LoadBrandFile(dir_ + "/" + brand_id + ".json", max_bytes_);
  if (!kit && kit.error().code == ErrorCode::kNotFound) {
    // The directory as an absolute path: a relative one depends on where the
    // process started, which is what the reader needs to know.
    return Fail(ErrorCode::kNotFound,
                "no brand kit '" + brand_id + "' in " +
                    std::filesystem::absolute(dir_).lexically_normal().string());
  }
  if (kit && kit->brand_id != brand_id) {
    return Invalid("brand_id", "brand kit file " + brand_id + ".json declares brand_id '" +
                                   kit->brand_id + "'");
  }
  return kit;
}

}  // namespace aiprod
