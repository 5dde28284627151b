// Where brand kits come from. The file source reads `<dir>/<brand_id>.json`.
#pragma once

#include <string>

#include "core/error.h"
#include "model/brand.h"

namespace aiprod {

class BrandSource {
 public:
  virtual ~BrandSource() = default;
  // kNotFound when no kit has that id; kInvalidInput when the kit is malformed.
  virtual Result<BrandKit> Find(const std::string& brand_id) const = 0;
};

class FileBrandSource final : public BrandSource {
 public:
  explicit FileBrandSource(std::string dir, size_t max_bytes = 1 << 20)
      : dir_(std::move(dir)), max_bytes_(max_bytes) {}
  Result<BrandKit> Find(const std::string& brand_id) const override;

 private:
  std::string dir_;
  size_t max_bytes_;
};

// Reads and validates one brand kit file.
Result<BrandKit> LoadBrandFile(const std::string& path, size_t max_bytes = 1 << 20);

}  // namespace aiprod
