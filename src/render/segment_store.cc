#include "render/segment_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <vector>

#include "core/files.h"
#include "core/ids.h"

namespace aiprod {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kLockExt = ".lock";

// Removes the work directories of `work_root` whose lock nobody holds.
void RemoveDeadWork(const fs::path& work_root) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(work_root, ec)) {
    if (entry.path().extension() != kLockExt) continue;
    const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;  // removed by another sweeper meanwhile
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      fs::path work = entry.path();
      work.replace_extension();
      fs::remove_all(work, ec);
      fs::remove(entry.path(), ec);
    }
    ::close(fd);
  }
}

// A fresh work directory under `work_root`; returns the descriptor holding
// its lock. The lock file is locked under a temporary name and only then
// renamed to `<id>.lock`, so a sweeper never sees a live one unlocked.
Result<int> CreateWork(const fs::path& work_root, std::string& work) {
  const std::string id = RandomHex(8);
  const fs::path lock = work_root / (id + std::string(kLockExt));
  const std::string temp = aiprod::TempPathFor(lock.string());
  const int fd = ::open(temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(ErrorCode::kIo, "cannot create " + temp);
  if (::flock(fd, LOCK_EX) != 0 || std::rename(temp.c_str(), lock.c_str()) != 0) {
    ::unlink(temp.c_str());
    ::close(fd);
    return Fail(ErrorCode::kIo, "cannot lock a work directory in " + work_root.string());
  }
  work = (work_root / id).string();
  if (Status st = MakeDirs(work); !st) {
    ::unlink(lock.c_str());
    ::close(fd);
    return Unexpected(st.error());
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<SegmentStore>> SegmentStore::Open(const std::string& cache_dir,
                                                         const std::string& temp_parent) {
  if (!cache_dir.empty()) {
    const fs::path work_root = fs::path(cache_dir) / ".work";
    AIPROD_TRY(MakeDirs(work_root.string()));
    RemoveDeadWork(work_root);
    std::unique_ptr<SegmentStore> store(new SegmentStore(cache_dir, true));
    AIPROD_ASSIGN(store->lock_fd_, CreateWork(work_root, store->work_));
    return store;
  }
  const std::string dir = aiprod::TempPathFor((fs::path(temp_parent) / "segments").string());
  AIPROD_TRY(MakeDirs(dir));
  std::unique_ptr<SegmentStore> store(new SegmentStore(dir, false));
  store->work_ = dir;
  return store;
}

SegmentStore::~SegmentStore() {
  std::error_code ec;
  fs::remove_all(work_, ec);  // a temporary store's work_ is its dir_
  if (lock_fd_ >= 0) {
    fs::path lock(work_);
    fs::remove(lock.replace_extension(kLockExt), ec);
    ::close(lock_fd_);
  }
}

std::string SegmentStore::PathFor(const std::string& key, std::string_view ext) const {
  return (fs::path(dir_) / key.substr(0, 2) / (key + std::string(ext))).string();
}

bool SegmentStore::Lookup(const std::string& key, std::string_view ext,
                          const std::function<bool(const std::string& path)>& valid) const {
  if (!persistent_) return false;
  const std::string path = PathFor(key, ext);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  if (!valid(path)) {
    fs::remove(path, ec);
    return false;
  }
  fs::last_write_time(path, fs::file_time_type::clock::now(), ec);
  return true;
}

Result<std::string> SegmentStore::TempPathFor(const std::string& key, std::string_view ext) const {
  return aiprod::TempPathFor((fs::path(work_) / (key + std::string(ext))).string());
}

Status SegmentStore::Commit(const std::string& temp_path, const std::string& key,
                            std::string_view ext) const {
  const std::string path = PathFor(key, ext);
  AIPROD_TRY(MakeDirs(fs::path(path).parent_path().string()));
  if (persistent_) return CommitFile(temp_path, path);
  std::error_code ec;
  fs::rename(temp_path, path, ec);
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
      // Left beside the entries by renders before work directories existed.
      if (now - used > std::chrono::hours(24)) fs::remove(it->path(), ec);
      continue;
    }
    const std::string ext = it->path().extension().string();
    if (ext != kSegment && ext != kSoundtrack && ext != kPng && ext != kJpeg) continue;
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
