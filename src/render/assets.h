// Files a manifest names (`asset` fields), resolved inside the job's asset
// directory. A path is refused when it is absolute or has a `..` component
// (CheckAssetPath), or when it resolves, through symlinks, to a place outside
// the directory; it must name a regular file. Each file is hashed (SHA-256
// of its bytes) once per resolver, for the scene cache keys.
//
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "core/error.h"

namespace aiprod {

struct ResolvedAsset {
  std::string path;    // canonical absolute path inside the asset directory
  std::string digest;  // SHA-256 of the bytes, hex
  int64_t bytes = 0;
};

// What one asset may weigh (RenderSettings::max_asset_mb and
// max_image_megapixels); larger ones are refused naming their field.
struct AssetLimits {
  int64_t max_bytes = 0;
  int64_t max_image_pixels = 0;
};

class AssetResolver {
 public:
  // `asset_dir` may be empty: then every asset is refused.
  AssetResolver(std::string asset_dir, AssetLimits limits)
      : dir_(std::move(asset_dir)), limits_(limits) {}

  const AssetLimits& limits() const { return limits_; }

  // `relative` as written in the manifest; errors are kInvalidInput naming
  // `field` (`scenes[2].layers[1].asset`), or kIo when the file cannot be read.
  Result<ResolvedAsset> Resolve(const std::string& relative, const std::string& field);

 private:
  std::string dir_;
  AssetLimits limits_;
  std::mutex mu_;
  std::map<std::string, ResolvedAsset> resolved_;  // by relative path
};

}  // namespace aiprod
