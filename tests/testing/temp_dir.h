// Test helpers shared by every test binary.
#pragma once

#include <string>

namespace aiprod::testing {

// A fresh directory under $TMPDIR, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The project's source directory (from AIPROD_SOURCE_DIR, set by CTest).
std::string SourceDir();
// ../shared/reference relative to the source directory.
std::string ReferenceDir();

}  // namespace aiprod::testing
