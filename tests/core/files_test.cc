#include "core/files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "testing/temp_dir.h"

namespace aiprod {
namespace {

TEST(Files, AtomicWriteCreatesDirectoriesAndLeavesNoTemporaries) {
  testing::TempDir dir;
  std::string path = dir.File("a/b/c.txt");
  ASSERT_TRUE(WriteFileAtomic(path, "one"));
  ASSERT_TRUE(WriteFileAtomic(path, "two"));
  EXPECT_EQ(*ReadFile(path), "two");
  int entries = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.File("a/b"))) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

// A worker killed mid-write leaves a temporary; the next writer of that file
// removes it, and leaves other files' temporaries alone.
TEST(Files, StaleTemporariesOfOneFileAreRemoved) {
  testing::TempDir dir;
  const std::string qa = dir.File("out/qa.json");
  ASSERT_TRUE(WriteFileAtomic(qa, "{}"));
  const std::string stale = TempPathFor(qa), other = TempPathFor(dir.File("out/qa.json.bak"));
  ASSERT_TRUE(WriteFileAtomic(stale, "half"));
  ASSERT_TRUE(WriteFileAtomic(other, "someone else's"));
  RemoveStaleTemporariesOf(qa);
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_TRUE(std::filesystem::exists(other));
  EXPECT_TRUE(std::filesystem::exists(qa));
  RemoveStaleTemporaries(dir.File("out"));
  EXPECT_FALSE(std::filesystem::exists(other));
  EXPECT_TRUE(std::filesystem::exists(qa));
}

TEST(Files, ReadFileErrors) {
  testing::TempDir dir;
  EXPECT_EQ(ReadFile(dir.File("missing")).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(WriteFileAtomic(dir.File("big"), std::string(100, 'x')));
  EXPECT_EQ(ReadFile(dir.File("big"), 10).error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(ReadFile(dir.path()).error().code, ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace aiprod
