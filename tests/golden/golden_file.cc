#include "golden_file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/files.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

namespace aiprod::testing {
namespace {

constexpr char kRegenerate[] =
    "If the change is intended, regenerate with scripts/update-golden "
    "(or AIPROD_UPDATE_GOLDEN=1 ctest -R ^Golden) and review the diff in git.";

bool Updating() {
  const char* v = std::getenv("AIPROD_UPDATE_GOLDEN");
  return v != nullptr && std::string_view(v) == "1";
}

}  // namespace

Json RoundNumbers(Json j) {
  if (j.is_number_float()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", j.get<double>());
    return std::strtod(buf, nullptr);
  }
  if (j.is_structured()) {
    for (auto& v : j) v = RoundNumbers(std::move(v));
  }
  return j;
}

void ExpectMatchesGolden(const std::string& name, const Json& actual) {
  const std::string path = SourceDir() + "/tests/golden/" + name;
  const std::string text = actual.dump(2) + "\n";
  if (Updating()) {
    ASSERT_TRUE(WriteFileAtomic(path, text)) << path;
    std::printf("updated %s\n", path.c_str());
    return;
  }
  auto expected = ReadFile(path);
  ASSERT_TRUE(expected) << path << " is missing. " << kRegenerate;
  if (*expected == text) return;
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.File(name), text));
  auto diff = RunProcess({"/usr/bin/env", "diff", "-u", "--label", "expected: tests/golden/" + name,
                          "--label", "actual", path, dir.File(name)});
  ADD_FAILURE() << name << " differs from the golden file:\n"
                << (diff.out.empty() ? "(diff unavailable)\nactual:\n" + text : diff.out)
                << kRegenerate;
}

}  // namespace aiprod::testing
