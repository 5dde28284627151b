// A fresh PostgreSQL database per test, on the private cluster that CTest's
// `postgres` fixture starts (scripts/pg-cluster). The URL of the cluster comes
// from AIPROD_TEST_PG_URL, or the file named by AIPROD_TEST_PG_URL_FILE.
#pragma once

#include <memory>
#include <string>

#include "testing/temp_dir.h"

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

// A fresh, empty database of `engine`, for suites run on every engine:
// "sqlite" is a file (not yet created) in a directory of its own, "postgres"
// a TestDatabase. Removed or dropped on destruction.
class EngineDatabase {
 public:
  explicit EngineDatabase(const std::string& engine);
  const std::string& url() const { return url_; }
  bool ok() const { return !url_.empty(); }

 private:
  TempDir dir_;
  std::unique_ptr<TestDatabase> pg_;
  std::string url_;
};

}  // namespace aiprod::testing
