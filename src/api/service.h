// The AIPROD HTTP API: routes, authentication and authorization, limits,
// audit, metrics. Transport-free: the HttpServer hands it requests. Every
// route but /health and /ready needs a principal (file links carry a
// signature instead). Thread-safe: Handle runs on several I/O threads.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

#include "api/http.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "providers/translate/translator.h"
#include "store/database.h"
#include "store/store.h"

namespace aiprod::api {

class Metrics;

// What the service uses. Not owned; all outlive the service.
struct ApiDeps {
  const Config* config = nullptr;
  const Clock* clock = nullptr;
  Store* store = nullptr;
  Database* db = nullptr;                  // the store's database and repositories
  const Translator* translator = nullptr;  // optional: refuses unreachable languages
  Logger log = Logger::Null();
  // > 0: a GET's read transaction may be shared with the next GETs on its
  // thread (Database::ShareReads), for at most this long. Only where the
  // thread ends shared reads itself (ApiServer: after each turn of an I/O
  // thread's event loop).
  std::chrono::microseconds share_reads_for{0};
};

struct RouteInfo {
  std::string_view method;
  std::string_view path;  // template: /v1/jobs/{id}
};
// Every route the service answers, in matching order.
std::vector<RouteInfo> ApiRoutes();
// The OpenAPI 3.1 document served at /openapi.json.
const std::string& OpenApiDocument();

class ApiService {
 public:
  explicit ApiService(ApiDeps deps);
  ~ApiService();
  ApiService(const ApiService&) = delete;
  ApiService& operator=(const ApiService&) = delete;

  // Loads JWT keys, settles the link signing secret and records the secrets
  // read at start in the audit log. Call once before Handle.
  Status Init();
  HttpResponse Handle(HttpRequest& req);
  // Periodic upkeep (every second or so): writes API key last-use times and
  // the counts of throttled failures of ended minutes (of all minutes when
  // `final`: at shutdown), forgets day-old idempotency keys.
  void Maintenance(bool final = false);
  Metrics& metrics();

 private:
  friend std::vector<RouteInfo> ApiRoutes();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aiprod::api
