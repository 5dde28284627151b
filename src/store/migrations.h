// Numbered, forward-only schema migrations, one list per engine dialect.
// Version N's script runs once, in a transaction, and records itself in
// `schema_migrations`. Never edit a released migration: add a new one.
#pragma once

#include <limits>
#include <string_view>
#include <vector>

#include "store/sql.h"

namespace aiprod {

enum class SqlDialect { kSqlite, kPostgres };

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

const std::vector<Migration>& MigrationsFor(SqlDialect dialect);

// The highest version recorded in `schema_migrations`, 0 for an empty database.
Result<int> CurrentSchemaVersion(SqlConnection& conn);

// Applies every migration above the current version, up to `up_to` (tests
// build a database as an older release left it). A database newer than this
// build is refused (kConflict) rather than touched.
Status ApplyMigrations(SqlConnection& conn, SqlDialect dialect, int64_t now_ms,
                       int up_to = std::numeric_limits<int>::max());

}  // namespace aiprod
