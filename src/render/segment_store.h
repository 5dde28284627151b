// Where encoded segments live: the scene cache directory, or a private
// temporary directory when the render has no cache.
//
// Cache entries are `<dir>/<key[0:2]>/<key>.mp4` (video segments), `.m4a`
// (soundtracks), `.png` or `.jpg` (posters). Each store writes into its own work directory,
// `<dir>/.work/<id>/`, and renames finished entries into place (fsynced), so
// a crash or a failed render never leaves a partial entry under a key.
// Concurrent renders may share a directory: an entry is immutable once
// renamed, and two renders producing the same key write identical bytes.
// A work directory is guarded by `<dir>/.work/<id>.lock`, locked (flock) for
// the store's life: opening a store removes the work directories whose
// owner died (the kernel drops a dead process's locks, even after SIGKILL).
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>

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

  static constexpr std::string_view kSegment = ".mp4";
  static constexpr std::string_view kSoundtrack = ".m4a";
  static constexpr std::string_view kPng = ".png";
  static constexpr std::string_view kJpeg = ".jpg";

  bool persistent() const { return persistent_; }
  // `ext` is one of the k* extensions above.
  std::string PathFor(const std::string& key, std::string_view ext = kSegment) const;

  // True when a usable entry for `key` exists (`valid` says whether the file
  // at the path holds what it should); its use time is refreshed. An
  // unusable entry is deleted.
  bool Lookup(const std::string& key, std::string_view ext,
              const std::function<bool(const std::string& path)>& valid) const;

  // A fresh temporary path to encode the entry `key` into, then Commit.
  Result<std::string> TempPathFor(const std::string& key, std::string_view ext = kSegment) const;
  Status Commit(const std::string& temp_path, const std::string& key,
                std::string_view ext = kSegment) const;

  // Deletes least recently used entries until the directory holds at most
  // `max_bytes`, never those in `keep`. No-op for a temporary store.
  void Prune(int64_t max_bytes, const std::set<std::string>& keep) const;

 private:
  SegmentStore(std::string dir, bool persistent) : dir_(std::move(dir)), persistent_(persistent) {}
  std::string dir_;
  bool persistent_;
  std::string work_;  // where temporaries are written
  int lock_fd_ = -1;  // holds the lock on work_ (persistent stores)
};

}  // namespace aiprod
