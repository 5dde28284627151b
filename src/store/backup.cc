#include "store/backup.h"

#include <filesystem>

#include "core/files.h"
#include "core/subprocess.h"
#include "store/pool.h"
#include "store/sqlite/sqlite_connection.h"

namespace aiprod {
namespace {

namespace fs = std::filesystem;

bool IsPostgres(const std::string& url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

std::string SqlitePath(const std::string& url) {
  return url.starts_with("sqlite://") ? url.substr(9) : url;
}

// pg_dump/pg_restore in PATH, else the newest server's bin directory.
std::string PgTool(const std::string& name) {
  for (const char* dir : {"/usr/bin", "/usr/local/bin"}) {
    if (fs::exists(std::string(dir) + "/" + name)) return name;
  }
  std::string best;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    std::string p = e.path().string() + "/bin/" + name;
    if (fs::exists(p) && p > best) best = p;
  }
  return best.empty() ? name : best;
}

Status RunTool(const std::vector<std::string>& argv) {
  SubprocessOptions o;
  o.timeout_s = 3600;
  AIPROD_ASSIGN(auto r, RunSubprocess(argv, o));
  if (r.exit_code != 0) {
    return Fail(ErrorCode::kIo, argv[0] + " failed (exit " + std::to_string(r.exit_code) +
                                    "): " + r.err.substr(0, 500));
  }
  return {};
}

// True when the database already holds AIPROD tables.
Result<bool> HasSchema(const std::string& url) {
  AIPROD_ASSIGN(auto pool, OpenPool(url));
  AIPROD_ASSIGN(auto c, pool->Acquire());
  std::string sql =
      IsPostgres(url)
          ? "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public'"
          : "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'";
  AIPROD_ASSIGN(auto rows, c->Query(sql));
  return rows.Int(0, "n") > 0;
}

}  // namespace

Result<BackupInfo> BackupDatabase(const std::string& url, const std::string& dest_path) {
  AIPROD_TRY(MakeDirs(fs::path(dest_path).parent_path().string()));
  std::string tmp = TempPathFor(dest_path);
  BackupInfo info{IsPostgres(url) ? "postgres" : "sqlite", dest_path, 0};
  Status st;
  if (IsPostgres(url)) {
    st = RunTool(
        {PgTool("pg_dump"), "--format=custom", "--no-owner", "--file=" + tmp, "--dbname=" + url});
  } else {
    auto conn = SqliteConnection::Open(SqlitePath(url));
    st = conn ? (*conn)->BackupTo(tmp) : Status(Unexpected(conn.error()));
  }
  if (st) st = CommitFile(tmp, dest_path);
  if (!st) {
    std::error_code ec;
    fs::remove(tmp, ec);
    return Unexpected(st.error());
  }
  info.bytes = static_cast<int64_t>(fs::file_size(dest_path));
  return info;
}

Status RestoreDatabase(const std::string& backup_path, const std::string& url) {
  if (!fs::exists(backup_path)) {
    return Fail(ErrorCode::kNotFound, "no such backup file: " + backup_path);
  }
  if (!IsPostgres(url) && fs::exists(SqlitePath(url)) && fs::file_size(SqlitePath(url)) > 0) {
    return Fail(ErrorCode::kConflict, SqlitePath(url) + " already exists; restore into a new path");
  }
  if (IsPostgres(url)) {
    AIPROD_ASSIGN(bool has, HasSchema(url));
    if (has) return Fail(ErrorCode::kConflict, "the target database is not empty");
    return RunTool(
        {PgTool("pg_restore"), "--no-owner", "--exit-on-error", "--dbname=" + url, backup_path});
  }
  // A SQLite backup is a database file: copy it into place atomically, then
  // check that it opens and carries a schema.
  AIPROD_TRY(MakeDirs(fs::path(SqlitePath(url)).parent_path().string()));
  std::string tmp = TempPathFor(SqlitePath(url));
  std::error_code ec;
  fs::copy_file(backup_path, tmp, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot copy " + backup_path + ": " + ec.message());
  AIPROD_TRY(CommitFile(tmp, SqlitePath(url)));
  AIPROD_ASSIGN(bool has, HasSchema(url));
  if (!has) return Fail(ErrorCode::kInvalidInput, backup_path + " is not an AIPROD backup");
  return {};
}

}  // namespace aiprod
