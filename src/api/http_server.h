// The HTTP/1.1 server (Boost.Beast over Asio, C++20 coroutines): keep-alive,
// a bounded number of connections (in all and per client address, with a
// reserve for new addresses), header and body size limits, read and
// idle timeouts, and graceful shutdown (stop accepting, close idle
// connections, let requests in flight finish, then return).
//
// GET and HEAD handlers run on the I/O threads and may block briefly
// (database reads); the others (writes: a durable commit waits for the disk)
// run on a pool of their own, so that many can wait at once and their
// commits can be grouped. Exceptions from a handler become a 500 problem and
// never leave the server.
// Thread-safe: Shutdown may be called from any thread except a handler.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/http.h"
#include "core/log.h"

namespace aiprod::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port (Listen returns it)
  int threads = 2;
  int write_threads = 16;  // handlers of other methods than GET/HEAD; 0: on the I/O threads
  int max_connections = 1024;
  // Connections open from one client address (IPv6: one /64); 0: no bound.
  int max_connections_per_ip = 64;
  // The last `connection_reserve` connections (at most a quarter of
  // max_connections) go only to addresses with no connection open, so one
  // address can never take every slot.
  int connection_reserve = 8;
  size_t max_header_bytes = 16 << 10;
  size_t max_body_bytes = 256 << 10;
  std::chrono::milliseconds read_timeout{10'000};       // one whole request; the first from accept
  std::chrono::milliseconds keepalive_timeout{60'000};  // idle between requests
  std::chrono::milliseconds write_timeout{30'000};      // one write to a slow reader
  std::chrono::milliseconds drain_timeout{20'000};      // shutdown: longest wait
  // Runs on an I/O thread once the requests whose bytes were ready at the
  // start of a turn of its event loop have been handled (posted behind them
  // after the turn's first handler on the thread), and when the thread
  // ends. What the turn's handlers may share (a read snapshot) ends here.
  std::function<void()> after_turn;
};

using Handler = std::function<HttpResponse(HttpRequest&)>;

// "host:port" -> host and port ("[::1]:80" for IPv6).
Result<std::pair<std::string, uint16_t>> ParseListenAddress(const std::string& s);

// Parses one request from `bytes` with the server's parser (size limits) and
// converts it as the server does. Synchronous, for fuzzing the request path.
Result<HttpRequest> ParseHttpRequest(std::string_view bytes, size_t max_header_bytes,
                                     size_t max_body_bytes);

class HttpServer {
 public:
  HttpServer(ServerOptions options, Handler handler, Logger log);
  ~HttpServer();  // shuts down and joins if still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; returns the bound port. kUnavailable if it cannot bind.
  Result<uint16_t> Listen();
  // Calls `on_signal` then shuts down on SIGTERM or SIGINT. Before Start().
  void StopOnSignals(std::function<void()> on_signal);
  // Starts the I/O threads; returns at once.
  void Start();
  // Graceful shutdown; returns at once (Wait for the end).
  void Shutdown();
  // Blocks until the server has stopped and its threads have ended.
  void Wait();
  size_t active_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aiprod::api
