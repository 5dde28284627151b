#include <filesystem>

#include "core/files.h"
#include "store/sql_store.h"
#include "store/sqlite/sqlite_connection.h"

namespace aiprod {

Result<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    return Fail(ErrorCode::kInvalidInput,
                "PostgreSQL is not available in this build yet; use a SQLite path");
  }
  std::string path = url.starts_with("sqlite://") ? url.substr(9) : url;
  if (path.empty()) return Invalid("database", "must name a SQLite file");
  AIPROD_TRY(MakeDirs(std::filesystem::path(path).parent_path().string()));
  // Open one connection now so a bad path fails here, not at first use.
  AIPROD_ASSIGN(auto first, SqliteConnection::Open(path));
  first.reset();
  auto factory = [path]() -> Result<std::unique_ptr<SqlConnection>> {
    AIPROD_ASSIGN(auto c, SqliteConnection::Open(path));
    return std::unique_ptr<SqlConnection>(std::move(c));
  };
  return std::unique_ptr<Store>(
      std::make_unique<SqlStore>(SqlDialect::kSqlite, "sqlite", std::move(factory)));
}

}  // namespace aiprod
