// The local artifact store: content-addressed, atomic, deduplicated, aged out.
#include "artifacts/artifact_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "core/files.h"
#include "core/hash.h"
#include "testing/temp_dir.h"

namespace aiprod {
namespace {

namespace fs = std::filesystem;

class ArtifactStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenLocalArtifactStore(dir_.File("store"));
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
  }
  testing::TempDir dir_;
  std::unique_ptr<ArtifactStore> store_;
};

TEST_F(ArtifactStoreTest, StoresByContentAndDeduplicates) {
  std::string src = dir_.File("video.mp4");
  ASSERT_TRUE(WriteFileAtomic(src, "not really a video"));
  auto a = store_->PutFile(src, "mp4");
  ASSERT_TRUE(a) << a.error().ToString();
  const std::string sha = Sha256Hex("not really a video");
  EXPECT_EQ(a->sha256, sha);
  EXPECT_EQ(a->key, "sha256/" + sha.substr(0, 2) + "/" + sha + ".mp4");
  EXPECT_TRUE(IsArtifactKey(a->key));
  EXPECT_EQ(a->size, 18);
  auto local = store_->LocalPath(a->key);
  ASSERT_TRUE(local);
  EXPECT_EQ(*ReadFile(*local), "not really a video");
  // The same bytes again: the same key, one copy.
  auto b = store_->PutBytes("not really a video", "mp4");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->key, a->key);
  auto other = store_->PutBytes("{\"qa\": true}", "json");
  ASSERT_TRUE(other);
  auto all = store_->List();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u);
  // Nothing half-written is left behind.
  EXPECT_TRUE(fs::is_empty(dir_.File("store/tmp")));

  ASSERT_TRUE(store_->Fetch(a->key, dir_.File("out/copy.mp4")));
  EXPECT_EQ(*ReadFile(dir_.File("out/copy.mp4")), "not really a video");
  auto st = store_->Stat(other->key);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->size, 12);
  ASSERT_TRUE(store_->Remove(other->key));
  ASSERT_TRUE(store_->Remove(other->key));  // absent is fine
  EXPECT_EQ(store_->Stat(other->key).error().code, ErrorCode::kNotFound);
}

TEST_F(ArtifactStoreTest, RefusesBadInput) {
  EXPECT_EQ(store_->PutFile(dir_.File("missing"), "mp4").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->PutBytes("x", "MP4").error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->PutBytes("x", "").error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->PutBytes("x", "a/b").error().code, ErrorCode::kInvalidInput);
  for (const char* key : {"../etc/passwd", "sha256/ab/../../x.mp4", "sha256/zz/abc.mp4", ""}) {
    EXPECT_FALSE(IsArtifactKey(key)) << key;
    EXPECT_EQ(store_->Stat(key).error().code, ErrorCode::kInvalidInput) << key;
    EXPECT_FALSE(store_->LocalPath(key)) << key;
  }
  // The directory of a key must be its hash's first two digits.
  std::string sha = Sha256Hex("x");
  EXPECT_TRUE(IsArtifactKey("sha256/" + sha.substr(0, 2) + "/" + sha + ".json"));
  EXPECT_FALSE(IsArtifactKey("sha256/00/" + sha + ".json") && sha.substr(0, 2) != "00");
}

TEST_F(ArtifactStoreTest, RetentionRemovesOnlyOldArtifacts) {
  auto old_one = store_->PutBytes("old", "json");
  auto new_one = store_->PutBytes("new", "json");
  ASSERT_TRUE(old_one && new_one);
  auto ten_days_ago = fs::file_time_type::clock::now() - std::chrono::hours(240);
  fs::last_write_time(*store_->LocalPath(old_one->key), ten_days_ago);
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const int64_t cutoff = now_ms - 7 * 86'400'000LL;
  auto dry = RemoveOlderThan(*store_, cutoff, true);
  ASSERT_TRUE(dry);
  EXPECT_EQ(dry->removed, 1u);
  EXPECT_TRUE(store_->Stat(old_one->key));  // a dry run keeps it
  auto r = RemoveOlderThan(*store_, cutoff, false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->removed, 1u);
  EXPECT_EQ(r->kept, 1u);
  EXPECT_EQ(r->removed_keys, std::vector<std::string>{old_one->key});
  EXPECT_FALSE(store_->Stat(old_one->key));
  EXPECT_TRUE(store_->Stat(new_one->key));
  // Storing old content again makes it young again.
  fs::last_write_time(*store_->LocalPath(new_one->key), ten_days_ago);
  ASSERT_TRUE(store_->PutBytes("new", "json"));
  EXPECT_EQ(RemoveOlderThan(*store_, cutoff, false)->removed, 0u);
}

}  // namespace
}  // namespace aiprod
