#include "testing/postgres.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "core/ids.h"
#include "store/postgres/pg_connection.h"

namespace aiprod::testing {
namespace {

std::string WithDatabase(const std::string& cluster_url, const std::string& db) {
  auto slash = cluster_url.rfind('/');
  return cluster_url.substr(0, slash + 1) + db;
}

}  // namespace

std::string PostgresClusterUrl() {
  if (const char* u = std::getenv("AIPROD_TEST_PG_URL"); u && *u) return u;
  const char* f = std::getenv("AIPROD_TEST_PG_URL_FILE");
  std::ifstream in(f && *f ? f : AIPROD_PG_URL_FILE_PATH);
  std::string url;
  std::getline(in, url);
  return url;
}

TestDatabase::TestDatabase() {
  std::string cluster = PostgresClusterUrl();
  if (cluster.empty()) {
    ADD_FAILURE() << "no PostgreSQL test cluster: run through ctest (the `postgres` fixture "
                     "starts one) or set AIPROD_TEST_PG_URL";
    return;
  }
  auto admin = PgConnection::Open(cluster);
  if (!admin) {
    ADD_FAILURE() << admin.error().ToString();
    return;
  }
  name_ = "aiprod_test_" + RandomHex(6);
  if (auto st = (*admin)->ExecScript("CREATE DATABASE " + name_); !st) {
    ADD_FAILURE() << st.error().ToString();
    return;
  }
  url_ = WithDatabase(cluster, name_);
}

TestDatabase::~TestDatabase() {
  if (name_.empty()) return;
  if (auto admin = PgConnection::Open(PostgresClusterUrl())) {
    (void)(*admin)->ExecScript("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
}

EngineDatabase::EngineDatabase(const std::string& engine) {
  if (engine != "postgres") {
    url_ = dir_.File("aiprod.db");
    return;
  }
  pg_ = std::make_unique<TestDatabase>();
  url_ = pg_->url();
}

}  // namespace aiprod::testing
