// Backups of the whole database, consistent while the system runs:
// SQLite through its online backup API (a plain database file),
// PostgreSQL through pg_dump's custom format (restored with pg_restore).
#pragma once

#include <string>

#include "core/error.h"

namespace aiprod {

struct BackupInfo {
  std::string engine;  // "sqlite" | "postgres"
  std::string path;
  int64_t bytes = 0;
};

// Writes a backup of `database_url` to `dest_path` (atomically: a temporary
// file renamed into place).
Result<BackupInfo> BackupDatabase(const std::string& database_url, const std::string& dest_path);

// Restores `backup_path` into `database_url`, which must be empty (a fresh
// SQLite path or an empty PostgreSQL database): restoring over live data is
// refused with kConflict.
Status RestoreDatabase(const std::string& backup_path, const std::string& database_url);

}  // namespace aiprod
