#include "core/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/ids.h"

namespace aiprod {
namespace fs = std::filesystem;

namespace {

std::unexpected<Error> IoError(const std::string& what, const std::string& path) {
  return Fail(ErrorCode::kIo, what + " " + path + ": " + std::strerror(errno));
}

Status FsyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) return IoError("cannot open", path);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return IoError("cannot fsync", path);
  return {};
}

}  // namespace

Result<std::string> ReadFile(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Fail(ErrorCode::kNotFound, "no such file: " + path);
  if (fs::is_directory(path, ec)) return Fail(ErrorCode::kInvalidInput, "is a directory: " + path);
  auto size = fs::file_size(path, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot stat " + path + ": " + ec.message());
  if (size > max_bytes) {
    return Fail(ErrorCode::kInvalidInput, path + " is " + std::to_string(size) +
                                              " bytes; the limit is " + std::to_string(max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot read", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {
// Every temporary of `p` is named TempPrefixFor(p) + random hex.
std::string TempPrefixFor(const fs::path& p) { return "." + p.filename().string() + ".tmp-"; }
}  // namespace

std::string TempPathFor(const std::string& path) {
  fs::path p(path);
  return (p.parent_path() / (TempPrefixFor(p) + RandomHex(6))).string();
}

Status MakeDirs(const std::string& dir) {
  if (dir.empty()) return {};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot create directory " + dir + ": " + ec.message());
  return {};
}

namespace {
// Removes the entries of `dir` whose names `is_temporary` accepts.
template <class Pred>
void RemoveTemporaries(const fs::path& dir, Pred is_temporary) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir.empty() ? fs::path(".") : dir, ec)) {
    if (is_temporary(entry.path().filename().string())) fs::remove(entry, ec);
  }
}
}  // namespace

// TempPathFor's names are ".<name>.tmp-<hex>".
void RemoveStaleTemporaries(const std::string& dir) {
  RemoveTemporaries(dir, [](const std::string& name) {
    return name.starts_with(".") && name.find(".tmp-") != std::string::npos;
  });
}

void RemoveStaleTemporariesOf(const std::string& path) {
  fs::path p(path);
  const std::string prefix = TempPrefixFor(p);
  RemoveTemporaries(p.parent_path(), [&](const std::string& name) {
    return name.starts_with(prefix) && name.find('.', prefix.size()) == std::string::npos;
  });
}

Status CommitFile(const std::string& from, const std::string& to) {
  AIPROD_TRY(FsyncPath(from, O_RDONLY));
  if (std::rename(from.c_str(), to.c_str()) != 0) return IoError("cannot rename onto", to);
  std::string dir = fs::path(to).parent_path().string();
  return FsyncPath(dir.empty() ? "." : dir, O_RDONLY | O_DIRECTORY);
}

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  AIPROD_TRY(MakeDirs(fs::path(path).parent_path().string()));
  std::string tmp = TempPathFor(path);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return IoError("cannot create", tmp);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      return IoError("cannot write", tmp);
    }
  }
  auto st = CommitFile(tmp, path);
  if (!st) std::remove(tmp.c_str());
  return st;
}

}  // namespace aiprod
