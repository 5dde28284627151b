// Filesystem helpers. Writes are atomic: a reader sees the old file or the
// whole new one, never a partial write (temporary file, fsync, rename).
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace aiprod {

// Reads a whole file; fails with kInvalidInput if it is larger than `max_bytes`
// and kNotFound if it does not exist.
Result<std::string> ReadFile(const std::string& path, size_t max_bytes = 64 << 20);

// Writes `data` to `path` atomically, creating parent directories.
Status WriteFileAtomic(const std::string& path, std::string_view data);

// A unique temporary name next to `path` (same directory, so rename is atomic).
std::string TempPathFor(const std::string& path);

// Renames `from` over `to` after fsyncing `from`; the directory is fsynced too.
Status CommitFile(const std::string& from, const std::string& to);

Status MakeDirs(const std::string& dir);

// Deletes temporaries (TempPathFor names) left in `dir` by a process that died
// mid-write. Only call it where no live writer can exist (the job's lease holder).
void RemoveStaleTemporaries(const std::string& dir);
// The same for the temporaries of one file (TempPathFor(path) names), for
// directories that other writers share.
void RemoveStaleTemporariesOf(const std::string& path);

}  // namespace aiprod
