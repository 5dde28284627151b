// Where delivered artifacts (renditions, manifests, QA reports) are kept.
//
// Artifacts are content-addressed: the key is derived from the SHA-256 of the
// bytes ("sha256/ab/ab12...ef.mp4"), so storing the same content twice is a
// no-op that refreshes its age, and a key always names the same bytes. Writes
// are atomic: an artifact is either absent or complete.
//
// The interface is what an object store (S3 and the like) can also provide;
// `LocalPath` is the one local-only convenience (nullopt elsewhere).
// Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/error.h"

namespace aiprod {

struct ArtifactInfo {
  std::string key;           // "sha256/<2 hex>/<64 hex>.<ext>"
  std::string sha256;        // of the content, hex
  int64_t size = 0;          // bytes
  int64_t stored_at_ms = 0;  // the last time it was stored
};

class ArtifactStore {
 public:
  virtual ~ArtifactStore() = default;

  // Stores a copy of the file at `path`; `extension` ("mp4", "json") ends the
  // key. kNotFound when `path` does not exist, kIo on storage failures,
  // kInvalidInput for a bad extension (1..8 of [a-z0-9]).
  virtual Result<ArtifactInfo> PutFile(const std::string& path, std::string_view extension) = 0;
  virtual Result<ArtifactInfo> PutBytes(std::string_view data, std::string_view extension) = 0;
  // kNotFound when absent; kInvalidInput for a malformed key.
  virtual Result<ArtifactInfo> Stat(const std::string& key) = 0;
  // Copies the artifact to `dest` atomically (parent directories created).
  virtual Status Fetch(const std::string& key, const std::string& dest) = 0;
  virtual Result<std::vector<ArtifactInfo>> List() = 0;
  // Absent keys are not an error.
  virtual Status Remove(const std::string& key) = 0;
  // A path to read the artifact from directly, for local stores.
  virtual std::optional<std::string> LocalPath(const std::string& key) const = 0;
  // "file:///..." or "s3://bucket/prefix", for logs and `aiprod gc`.
  virtual std::string Describe() const = 0;
};

// True for keys of the form ArtifactStore produces.
bool IsArtifactKey(std::string_view key);
// The key for content with this SHA-256 and extension.
std::string ArtifactKey(std::string_view sha256_hex, std::string_view extension);

// A store in a local directory (created if missing); see local_store.h.
Result<std::unique_ptr<ArtifactStore>> OpenLocalArtifactStore(const std::string& dir);
// The store the configuration names: `storage.dir`, else <data_dir>/artifacts.
Result<std::unique_ptr<ArtifactStore>> OpenArtifactStore(const Config& config);

struct RetentionResult {
  size_t kept = 0, removed = 0;
  int64_t removed_bytes = 0;
  std::vector<std::string> removed_keys;
};
// Removes artifacts stored before `cutoff_ms` (all of them are listed when
// `dry_run`, none removed).
Result<RetentionResult> RemoveOlderThan(ArtifactStore& store, int64_t cutoff_ms, bool dry_run);

}  // namespace aiprod
