// A real API server on a loopback port (port 0) over a fresh SQLite database,
// with a fake clock (set to the real time) so tests can move time, and
// helpers to make credentials and to put jobs into the states a test needs.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "api/serve.h"
#include "core/clock.h"
#include "core/config.h"
#include "http_client.h"
#include "store/audit_log.h"
#include "store/database.h"
#include "store/pool.h"
#include "test_keys.h"
#include "testing/temp_dir.h"

namespace aiprod::testing {

class ApiTest : public ::testing::Test {
 protected:
  // Override to change the configuration before the server starts.
  virtual void Configure(Config&) {}
  void SetUp() override;
  void TearDown() override;

  // What a server on this test's database, clock and `config` is built from.
  api::ApiDeps Deps(const Config& config, Logger log);
  // An API key made directly in the database.
  std::string Key(const std::string& role, std::vector<std::string> brands);
  // Claims valid now for the configured issuer and audience.
  Json Claims(const std::string& sub, const std::string& role, std::vector<std::string> brands);
  std::string Hs256(const Json& claims, const std::string& secret = {});
  std::string Signed(const Json& claims, const KeyPair& key, const std::string& alg = "RS256");

  // POST /v1/jobs with `brief`; asserts 202; returns the job id.
  std::string CreateJob(const std::string& key, Json brief);
  // Moves a queued job to awaiting_approval (parked) with a one-scene manifest.
  void ParkForReview(const std::string& job_id);
  // Moves a job to delivered with a deliver checkpoint listing `video` (and
  // manifest/qa JSON files written next to it).
  void Deliver(const std::string& job_id, const std::string& video);
  std::vector<AuditRow> AuditRows();

  static Json SampleManifest();

  TempDir dir_;
  Config config_;
  FakeClock clock_{0};
  std::unique_ptr<Database> db_;
  Store* store_ = nullptr;                // db_'s
  std::shared_ptr<ConnectionPool> pool_;  // raw SQL on the same database (tampering)
  std::unique_ptr<api::ApiServer> server_;
  int port_ = 0;
  std::unique_ptr<HttpClient> http_;
  std::string jwks_path_;
  std::string admin_;  // an admin API key for every brand
};

// Fills a config for a test server under `dir`.
Config TestConfig(const std::string& dir);

}  // namespace aiprod::testing
