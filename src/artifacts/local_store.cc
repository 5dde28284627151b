// The local-directory ArtifactStore: <root>/sha256/ab/<hash>.<ext>, written
// through a temporary in <root>/tmp and renamed into place (same filesystem).
// An artifact's age is its file's modification time.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "artifacts/artifact_store.h"
#include "core/files.h"
#include "core/hash.h"

namespace aiprod {
namespace {

namespace fs = std::filesystem;

bool ValidExtension(std::string_view ext) {
  if (ext.empty() || ext.size() > 8) return false;
  for (char c : ext) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

bool IsHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::unexpected<Error> IoError(const std::string& what, const std::string& path, int err) {
  return Fail(ErrorCode::kIo, what + " " + path + ": " + std::strerror(err));
}

// Closes on destruction; removes the temporary unless released.
class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!released_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  bool ok() const { return fd_ >= 0; }
  bool Write(const char* data, size_t n) {
    while (n > 0) {
      ssize_t w = ::write(fd_, data, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      data += w;
      n -= static_cast<size_t>(w);
    }
    return true;
  }
  bool Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0;
  }
  void Release() { released_ = true; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  bool released_ = false;
};

int64_t MtimeMs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
}

class LocalArtifactStore final : public ArtifactStore {
 public:
  explicit LocalArtifactStore(std::string root) : root_(std::move(root)) {}

  Result<ArtifactInfo> PutFile(const std::string& path, std::string_view ext) override {
    if (!ValidExtension(ext)) return Invalid("extension", "must be 1-8 of [a-z0-9]");
    int in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) {
      if (errno == ENOENT) return Fail(ErrorCode::kNotFound, "no such file: " + path);
      return IoError("cannot open", path, errno);
    }
    AIPROD_ASSIGN(auto tmp, NewTemp());
    Sha256 hash;
    int64_t size = 0;
    std::vector<char> buf(1 << 20);
    for (;;) {
      ssize_t n = ::read(in, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int err = errno;
        ::close(in);
        return IoError("cannot read", path, err);
      }
      if (n == 0) break;
      hash.Update(std::string_view(buf.data(), static_cast<size_t>(n)));
      if (!tmp->Write(buf.data(), static_cast<size_t>(n))) {
        int err = errno;
        ::close(in);
        return IoError("cannot write", tmp->path(), err);
      }
      size += n;
    }
    ::close(in);
    return Commit(*tmp, hash.HexDigest(), ext, size);
  }

  Result<ArtifactInfo> PutBytes(std::string_view data, std::string_view ext) override {
    if (!ValidExtension(ext)) return Invalid("extension", "must be 1-8 of [a-z0-9]");
    AIPROD_ASSIGN(auto tmp, NewTemp());
    if (!tmp->Write(data.data(), data.size())) return IoError("cannot write", tmp->path(), errno);
    return Commit(*tmp, Sha256Hex(data), ext, static_cast<int64_t>(data.size()));
  }

  Result<ArtifactInfo> Stat(const std::string& key) override {
    if (!IsArtifactKey(key)) return Invalid("key", "not an artifact key: " + key);
    struct stat st {};
    std::string path = root_ + "/" + key;
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) return Fail(ErrorCode::kNotFound, "no artifact " + key);
      return IoError("cannot stat", path, errno);
    }
    return Info(key, st);
  }

  Status Fetch(const std::string& key, const std::string& dest) override {
    AIPROD_ASSIGN(ArtifactInfo info, Stat(key));
    AIPROD_TRY(MakeDirs(fs::path(dest).parent_path().string()));
    std::string tmp = TempPathFor(dest);
    std::error_code ec;
    fs::copy_file(root_ + "/" + info.key, tmp, fs::copy_options::overwrite_existing, ec);
    if (ec) return Fail(ErrorCode::kIo, "cannot copy " + key + " to " + tmp + ": " + ec.message());
    auto st = CommitFile(tmp, dest);
    if (!st) fs::remove(tmp, ec);
    return st;
  }

  Result<std::vector<ArtifactInfo>> List() override {
    std::vector<ArtifactInfo> out;
    std::error_code ec;
    fs::path base = fs::path(root_) / "sha256";
    if (!fs::exists(base, ec)) return out;
    for (auto it = fs::recursive_directory_iterator(base, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string key = fs::relative(it->path(), root_, ec).string();
      if (ec || !IsArtifactKey(key)) continue;
      struct stat st {};
      if (::stat(it->path().c_str(), &st) != 0) continue;
      out.push_back(Info(key, st));
    }
    if (ec) return Fail(ErrorCode::kIo, "cannot list " + base.string() + ": " + ec.message());
    return out;
  }

  Status Remove(const std::string& key) override {
    if (!IsArtifactKey(key)) return Invalid("key", "not an artifact key: " + key);
    std::string path = root_ + "/" + key;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      return IoError("cannot remove", path, errno);
    return {};
  }

  std::optional<std::string> LocalPath(const std::string& key) const override {
    if (!IsArtifactKey(key)) return std::nullopt;
    return root_ + "/" + key;
  }

  std::string Describe() const override { return "file://" + root_; }

 private:
  Result<std::unique_ptr<TempFile>> NewTemp() {
    AIPROD_TRY(MakeDirs(root_ + "/tmp"));
    auto tmp = std::make_unique<TempFile>(TempPathFor(root_ + "/tmp/artifact"));
    if (!tmp->ok()) return IoError("cannot create", tmp->path(), errno);
    return tmp;
  }

  // Renames the finished temporary to its content's name, or (same content
  // already stored) drops it and refreshes the stored copy's age.
  Result<ArtifactInfo> Commit(TempFile& tmp, const std::string& sha, std::string_view ext,
                              int64_t size) {
    if (!tmp.Close()) return IoError("cannot write", tmp.path(), errno);
    std::string key = ArtifactKey(sha, ext);
    std::string dest = root_ + "/" + key;
    AIPROD_TRY(MakeDirs(fs::path(dest).parent_path().string()));
    struct stat st {};
    if (::stat(dest.c_str(), &st) == 0 && st.st_size == size) {
      ::utimensat(AT_FDCWD, dest.c_str(), nullptr, 0);  // now: kept as long as a fresh one
    } else {
      AIPROD_TRY(CommitFile(tmp.path(), dest));
      tmp.Release();
    }
    if (::stat(dest.c_str(), &st) != 0) return IoError("cannot stat", dest, errno);
    return Info(key, st);
  }

  static ArtifactInfo Info(const std::string& key, const struct stat& st) {
    ArtifactInfo info;
    info.key = key;
    size_t slash = key.rfind('/'), dot = key.rfind('.');
    info.sha256 = key.substr(slash + 1, dot - slash - 1);
    info.size = static_cast<int64_t>(st.st_size);
    info.stored_at_ms = MtimeMs(st);
    return info;
  }

  std::string root_;
};

}  // namespace

bool IsArtifactKey(std::string_view key) {
  // sha256/ab/<64 hex>.<ext>
  if (!key.starts_with("sha256/") || key.size() < 7 + 3 + 64 + 2) return false;
  std::string_view rest = key.substr(7);
  if (rest[2] != '/' || !IsHex(rest.substr(0, 2))) return false;
  std::string_view file = rest.substr(3);
  if (file.size() < 66 || file[64] != '.' || !IsHex(file.substr(0, 64))) return false;
  if (file.substr(0, 2) != rest.substr(0, 2)) return false;
  return ValidExtension(file.substr(65));
}

std::string ArtifactKey(std::string_view sha, std::string_view ext) {
  return "sha256/" + std::string(sha.substr(0, 2)) + "/" + std::string(sha) + "." +
         std::string(ext);
}

Result<std::unique_ptr<ArtifactStore>> OpenLocalArtifactStore(const std::string& dir) {
  if (dir.empty()) return Invalid("storage.dir", "must not be empty");
  std::string root = fs::absolute(dir).lexically_normal().string();
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  AIPROD_TRY(MakeDirs(root));
  // Temporaries a dead writer left behind; a live writer finishes in far less.
  std::error_code ec;
  const auto stale = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (const auto& e : fs::directory_iterator(root + "/tmp", ec)) {
    if (e.is_regular_file(ec) && e.last_write_time(ec) < stale) fs::remove(e.path(), ec);
  }
  return std::unique_ptr<ArtifactStore>(std::make_unique<LocalArtifactStore>(root));
}

Result<std::unique_ptr<ArtifactStore>> OpenArtifactStore(const Config& config) {
  return OpenLocalArtifactStore(config.storage.dir.empty() ? config.data_dir + "/artifacts"
                                                           : config.storage.dir);
}

Result<RetentionResult> RemoveOlderThan(ArtifactStore& store, int64_t cutoff_ms, bool dry_run) {
  AIPROD_ASSIGN(auto all, store.List());
  RetentionResult r;
  for (const auto& a : all) {
    if (a.stored_at_ms >= cutoff_ms) {
      ++r.kept;
      continue;
    }
    if (!dry_run) AIPROD_TRY(store.Remove(a.key));
    ++r.removed;
    r.removed_bytes += a.size;
    r.removed_keys.push_back(a.key);
  }
  return r;
}

}  // namespace aiprod
