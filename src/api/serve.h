// `aiprod serve` as a component: the API service behind the HTTP server, a
// maintenance thread, and optionally a worker running queued jobs in the same
// process (the same Worker as `aiprod worker`). SIGTERM (when asked to handle
// signals) drains: stop accepting, finish requests in flight, stop the worker
// after its current stage.
#pragma once

#include <memory>

#include "api/service.h"
#include "worker/worker.h"

namespace aiprod::api {

class ApiServer {
 public:
  // `worker` may be null (--no-worker). Not owned; outlives the server, which
  // runs it on a thread of its own and stops it on shutdown.
  ApiServer(ApiDeps deps, Worker* worker);
  ~ApiServer();  // shuts down and joins

  // Refuses to start in production when ProductionProblems finds any; then
  // initializes the service, binds `config.api.listen` (or `listen_override`)
  // and starts every thread. Returns the bound port.
  Result<uint16_t> Start(const std::string& listen_override = {}, bool handle_signals = false);
  void Shutdown();
  // Blocks until the HTTP server has drained and every thread has ended.
  void Wait();
  ApiService& service();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aiprod::api
