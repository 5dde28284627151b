// The HTTP request path: raw bytes through the server's parser (size limits),
// then routing, query and JSON handling of the API service (authentication
// off, so that the handlers are reached) over a scratch SQLite database.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "api/http_server.h"
#include "api/service.h"
#include "core/clock.h"
#include "store/database.h"

namespace {

struct Env {
  aiprod::Config config;
  aiprod::FakeClock clock;
  std::unique_ptr<aiprod::Database> db;
  std::unique_ptr<aiprod::api::ApiService> service;

  Env() {
    char dir_template[] = "/tmp/aiprod-fuzz-XXXXXX";
    std::string dir = mkdtemp(dir_template);
    config.data_dir = dir;
    config.database = dir + "/fuzz.db";
    config.auth.mode = "off";
    config.signing_secret = "fuzzing-signing-secret-0123456789abcdef";
    config.limits.requests_per_s = 0;
    auto opened = aiprod::OpenDatabase(config.database);
    if (!opened) std::abort();
    db = std::move(*opened);
    if (!db->store().Migrate()) std::abort();
    aiprod::api::ApiDeps deps{&config,  &clock,  &db->store(),
                              db.get(), nullptr, aiprod::Logger::Null()};
    service = std::make_unique<aiprod::api::ApiService>(deps);
    if (!service->Init()) std::abort();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Env* env = new Env();  // lives for the whole run
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto req = aiprod::api::ParseHttpRequest(bytes, 16 << 10, 256 << 10);
  if (!req) return 0;
  auto res = env->service->Handle(*req);
  if (res.status < 100 || res.status > 599) std::abort();
  if (res.status >= 500 && res.body.find("sqlite") != std::string::npos) std::abort();
  return 0;
}
