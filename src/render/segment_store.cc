#include "render/segment_store.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <vector>

#include "core/files.h"
#include "render/segment_join.h"

namespace aiprod {
namespace fs = std::filesystem;

Result<std::unique_ptr<SegmentStore>> SegmentStore::Open(const std::string& cache_dir,
                                                         const std::string& temp_parent) {
  if (!cache_dir.empty()) {
    AIPROD_TRY(MakeDirs(cache_dir));
    return std::unique_ptr<SegmentStore>(new SegmentStore(cache_dir, true));
  }
  const std::string dir = aiprod::TempPathFor((fs::path(temp_parent) / "segments").string());
  AIPROD_TRY(MakeDirs(dir));
  return std::unique_ptr<SegmentStore>(new SegmentStore(dir, false));
}

SegmentStore::~SegmentStore() {
  if (!persistent_) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

std::string SegmentStore::PathFor(const std::string& key) const {
  return (fs::path(dir_) / key.substr(0, 2) / (key + ".mp4")).string();
}

bool SegmentStore::Lookup(const std::string& key, int64_t frames, int width, int height) const {
  if (!persistent_) return false;
  const std::string path = PathFor(key);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  if (!SegmentLooksValid(path, frames, width, height)) {
    fs::remove(path, ec);
    return false;
  }
  fs::last_write_time(path, fs::file_time_type::clock::now(), ec);
  return true;
}

Result<std::string> SegmentStore::TempPathFor(const std::string& key) const {
  const std::string path = PathFor(key);
  AIPROD_TRY(MakeDirs(fs::path(path).parent_path().string()));
  return aiprod::TempPathFor(path);
}

Status SegmentStore::Commit(const std::string& temp_path, const std::string& key) const {
  if (persistent_) return CommitFile(temp_path, PathFor(key));
  std::error_code ec;
  fs::rename(temp_path, PathFor(key), ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot rename " + temp_path + ": " + ec.message());
  return {};
}

void SegmentStore::Prune(int64_t max_bytes, const std::set<std::string>& keep) const {
  if (!persistent_) return;
  struct Entry {
    fs::path path;
    fs::file_time_type used;
    int64_t bytes;
  };
  std::vector<Entry> entries;
  int64_t total = 0;
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (auto it = fs::recursive_directory_iterator(dir_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string name = it->path().filename().string();
    const auto used = it->last_write_time(ec);
    if (name.starts_with(".") && name.find(".tmp-") != std::string::npos) {
      if (now - used > std::chrono::hours(24)) fs::remove(it->path(), ec);
      continue;
    }
    if (it->path().extension() != ".mp4") continue;
    const auto bytes = static_cast<int64_t>(it->file_size(ec));
    total += bytes;
    if (!keep.contains(it->path().stem().string())) entries.push_back({it->path(), used, bytes});
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.used < b.used; });
  for (const Entry& e : entries) {
    if (total <= max_bytes) break;
    if (fs::remove(e.path, ec)) total -= e.bytes;
  }
}

}  // namespace aiprod
