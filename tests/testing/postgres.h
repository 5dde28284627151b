// A fresh PostgreSQL database per test, on the private cluster that CTest's
// `postgres` fixture starts (scripts/pg-cluster). The URL of the cluster comes
// from AIPROD_TEST_PG_URL, or the file named by AIPROD_TEST_PG_URL_FILE.
#pragma once

#include <string>

namespace aiprod::testing {

// Empty when no cluster is configured.
std::string PostgresClusterUrl();

class TestDatabase {
 public:
  // Creates database aiprod_test_<random>; fails the current test if it cannot.
  TestDatabase();
  ~TestDatabase();  // drops it
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  const std::string& url() const { return url_; }
  bool ok() const { return !url_.empty(); }

 private:
  std::string name_, url_;
};

}  // namespace aiprod::testing
