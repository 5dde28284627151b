#include "render/assets.h"

#include <filesystem>
#include <fstream>
#include <vector>

#include "core/hash.h"
#include "model/manifest.h"

namespace aiprod {
namespace fs = std::filesystem;
namespace {

Result<std::string> HashFile(const std::string& path, int64_t& bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kIo, "cannot read " + path);
  Sha256 h;
  std::vector<char> buf(1 << 20);
  bytes = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::streamsize got = in.gcount();
    if (got <= 0) break;
    h.Update(std::string_view(buf.data(), static_cast<size_t>(got)));
    bytes += got;
  }
  if (in.bad()) return Fail(ErrorCode::kIo, "cannot read " + path);
  return h.HexDigest();
}

}  // namespace

Result<ResolvedAsset> AssetResolver::Resolve(const std::string& relative,
                                             const std::string& field) {
  AIPROD_TRY(CheckAssetPath(relative, field));
  std::lock_guard lock(mu_);
  if (auto it = resolved_.find(relative); it != resolved_.end()) return it->second;
  if (dir_.empty()) return Invalid(field, "names an asset, but the job has no asset directory");
  std::error_code ec;
  const fs::path root = fs::canonical(dir_, ec);
  if (ec) return Fail(ErrorCode::kIo, "asset directory " + dir_ + ": " + ec.message());
  const fs::path joined = root / relative;
  if (!fs::exists(fs::symlink_status(joined, ec))) {
    return Invalid(field, "'" + relative + "' does not exist in the asset directory");
  }
  const fs::path real = fs::canonical(joined, ec);
  if (ec) {
    return Invalid(field, "'" + relative + "' cannot be resolved (" + ec.message() + ")");
  }
  // Symlinks may point anywhere inside the directory, never out of it.
  const std::string root_s = root.string(), real_s = real.string();
  if (real_s.size() <= root_s.size() || real_s.compare(0, root_s.size(), root_s) != 0 ||
      real_s[root_s.size()] != '/') {
    return Invalid(field, "'" + relative + "' leads outside the asset directory");
  }
  if (!fs::is_regular_file(real, ec)) {
    return Invalid(field, "'" + relative + "' is not a regular file");
  }
  const auto size = static_cast<int64_t>(fs::file_size(real, ec));
  if (ec) return Fail(ErrorCode::kIo, "cannot read " + real_s + ": " + ec.message());
  if (size > limits_.max_bytes) {
    return Invalid(field, "'" + relative + "' is larger than " +
                              std::to_string(limits_.max_bytes >> 20) +
                              " MB (render.max_asset_mb)");
  }
  ResolvedAsset a;
  a.path = real_s;
  AIPROD_ASSIGN(a.digest, HashFile(real_s, a.bytes));
  resolved_[relative] = a;
  return a;
}

}  // namespace aiprod
