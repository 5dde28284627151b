// Where encoded segments live: the scene cache directory, or a private
// temporary directory when the render has no cache.
//
// Cache entries are `<dir>/<key[0:2]>/<key>.mp4`, written to a temporary
// name and renamed into place once complete (fsynced), so a crash or a
// failed render never leaves a partial entry under a key. Concurrent renders
// may share a directory: an entry is immutable once renamed, and two renders
// producing the same key write identical bytes.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "core/error.h"

namespace aiprod {

class SegmentStore {
 public:
  // `cache_dir` empty: a temporary directory inside `temp_parent`, removed
  // with the store (on success or failure).
  static Result<std::unique_ptr<SegmentStore>> Open(const std::string& cache_dir,
                                                    const std::string& temp_parent);
  ~SegmentStore();
  SegmentStore(const SegmentStore&) = delete;
  SegmentStore& operator=(const SegmentStore&) = delete;

  bool persistent() const { return persistent_; }
  std::string PathFor(const std::string& key) const;

  // True when a usable entry for `key` exists (validated: frame count and
  // size); its use time is refreshed. An unusable entry is deleted.
  bool Lookup(const std::string& key, int64_t frames, int width, int height) const;

  // A fresh temporary path to encode the segment `key` into, then Commit.
  Result<std::string> TempPathFor(const std::string& key) const;
  Status Commit(const std::string& temp_path, const std::string& key) const;

  // Deletes least recently used entries until the directory holds at most
  // `max_bytes`, never those in `keep`; also temporaries older than a day
  // (left by crashed renders). No-op for a temporary store.
  void Prune(int64_t max_bytes, const std::set<std::string>& keep) const;

 private:
  SegmentStore(std::string dir, bool persistent) : dir_(std::move(dir)), persistent_(persistent) {}
  std::string dir_;
  bool persistent_;
};

}  // namespace aiprod
