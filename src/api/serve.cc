#include "api/serve.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/http_server.h"
#include "api/metrics.h"
#include "core/secrets.h"
#include "core/thread_annotations.h"

namespace aiprod::api {
namespace {

// Feeds stage durations of the in-process worker into the metrics.
class StageTimer final : public ProgressListener {
 public:
  explicit StageTimer(Metrics& m) : metrics_(m) {}
  void OnStageStart(const Job&, std::string_view stage) override {
    stage_ = stage;
    started_ = std::chrono::steady_clock::now();
  }
  void OnStageProgress(const Job&, std::string_view, double) override {}
  void OnStateChange(const Job&, JobState) override {
    if (stage_.empty()) return;
    metrics_.ObserveStage(
        stage_, std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
    stage_.clear();
  }

 private:
  Metrics& metrics_;
  std::string stage_;
  std::chrono::steady_clock::time_point started_;
};

// The server ends shared reads after each turn of its I/O threads
// (ServerOptions::after_turn), so its GETs may share them.
ApiDeps WithSharedReads(ApiDeps deps) {
  deps.share_reads_for =
      std::chrono::microseconds(static_cast<int64_t>(deps.config->api.read_share_ms * 1000));
  return deps;
}
}  // namespace

struct ApiServer::Impl {
  ApiDeps deps;
  Worker* worker;
  ApiService service;
  std::unique_ptr<HttpServer> http;
  Mutex mu;
  std::condition_variable cv;
  bool stopping GUARDED_BY(mu) = false;
  std::thread worker_thread, maintenance_thread;

  Impl(ApiDeps d, Worker* w) : deps(d), worker(w), service(std::move(d)) {}

  void StopThreads() {
    {
      MutexLock lock(mu);
      stopping = true;
    }
    cv.notify_all();
    if (worker) worker->RequestStop();
  }

  // Sleeps up to `ms`; false once stopping.
  bool Pause(int ms) {
    MutexLock lock(mu);
    cv.wait_for(lock, std::chrono::milliseconds(ms), [&]() REQUIRES(mu) { return stopping; });
    return !stopping;
  }

  // The worker loop of `aiprod worker` (worker/worker.h), on this thread;
  // stage durations go to the metrics.
  void RunWorker() {
    worker->Run([this] { return std::make_unique<StageTimer>(service.metrics()); });
    deps.log.Info("worker stopped");
  }

  void RunMaintenance() {
    while (Pause(1000)) service.Maintenance();
    service.Maintenance(true);  // last API key uses, failure counts
  }
};

ApiServer::ApiServer(ApiDeps deps, Worker* worker)
    : impl_(std::make_unique<Impl>(WithSharedReads(std::move(deps)), worker)) {}

ApiServer::~ApiServer() {
  Shutdown();
  Wait();
}

ApiService& ApiServer::service() { return impl_->service; }

Result<uint16_t> ApiServer::Start(const std::string& listen_override, bool handle_signals) {
  Impl& s = *impl_;
  const Config& c = *s.deps.config;
  if (c.env == "production") {
    auto problems = ProductionProblems(c);
    if (!problems.empty()) {
      std::string all;
      for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
      return Fail(ErrorCode::kInvalidInput, "refusing to start in production: " + all);
    }
  }
  AIPROD_TRY(s.service.Init());
  AIPROD_ASSIGN(auto addr,
                ParseListenAddress(listen_override.empty() ? c.api.listen : listen_override));
  ServerOptions o;
  o.host = addr.first;
  o.port = addr.second;
  o.threads = c.api.threads;
  o.write_threads = c.api.write_threads;
  o.max_connections = c.api.max_connections;
  o.max_connections_per_ip = c.api.max_connections_per_ip;
  o.connection_reserve = c.api.connection_reserve;
  o.max_header_bytes = static_cast<size_t>(c.limits.max_header_bytes);
  o.max_body_bytes = static_cast<size_t>(c.limits.max_body_bytes);
  o.read_timeout = std::chrono::milliseconds(static_cast<int64_t>(c.api.read_timeout_s * 1000));
  o.keepalive_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(c.api.keepalive_timeout_s * 1000));
  o.drain_timeout = std::chrono::milliseconds(static_cast<int64_t>(c.api.drain_timeout_s * 1000));
  o.after_turn = &EndSharedReads;
  s.http = std::make_unique<HttpServer>(
      o, [&s](HttpRequest& req) { return s.service.Handle(req); }, s.deps.log);
  AIPROD_ASSIGN(uint16_t port, s.http->Listen());
  if (handle_signals) s.http->StopOnSignals([&s] { s.StopThreads(); });
  s.http->Start();
  s.maintenance_thread = std::thread([&s] { s.RunMaintenance(); });
  if (s.worker) s.worker_thread = std::thread([&s] { s.RunWorker(); });
  s.deps.log.Info("listening", {{"address", o.host + ":" + std::to_string(port)},
                                {"worker", s.worker != nullptr}});
  return port;
}

void ApiServer::Shutdown() {
  impl_->StopThreads();
  if (impl_->http) impl_->http->Shutdown();
}

void ApiServer::Wait() {
  Impl& s = *impl_;
  if (s.http) s.http->Wait();
  s.StopThreads();  // a signal may have stopped the HTTP side only
  if (s.worker_thread.joinable()) s.worker_thread.join();
  if (s.maintenance_thread.joinable()) s.maintenance_thread.join();
}

}  // namespace aiprod::api
