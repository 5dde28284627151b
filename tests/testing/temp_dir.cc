#include "testing/temp_dir.h"

#include <cstdlib>
#include <filesystem>

#include "core/ids.h"

namespace aiprod::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  path_ = std::string(base && *base ? base : "/tmp") + "/aiprod-test-" + RandomHex(8);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!std::getenv("AIPROD_KEEP_TEST_FILES")) std::filesystem::remove_all(path_, ec);
}

std::string SourceDir() {
  const char* dir = std::getenv("AIPROD_SOURCE_DIR");
  return dir ? dir : AIPROD_SOURCE_DIR_PATH;
}

std::string ReferenceDir() {
  const char* dir = std::getenv("AIPROD_REFERENCE_DIR");
  return dir ? dir : SourceDir() + "/../shared/reference";
}

}  // namespace aiprod::testing
