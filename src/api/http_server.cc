// The one Boost.Beast translation unit of src/. <utility> must come before
// the Asio coroutine headers on GCC 12 (std::exchange).
#include <utility>

#include "api/http_server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "api/problem.h"
#include "core/thread_annotations.h"

namespace aiprod::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::redirect_error;
using asio::use_awaitable;

namespace {

// One client connection. Touched only on the thread of its I/O context (the
// session coroutine and the Stop() posted to it).
struct Conn {
  explicit Conn(tcp::socket s)
      : stream(std::move(s)),
        idle_timer(stream.get_executor()),
        poll_timer(stream.get_executor()) {}
  beast::tcp_stream stream;
  asio::steady_timer idle_timer;
  asio::steady_timer poll_timer;
  std::string remote;
  bool idle = false;
  bool stop = false;
  BodyStream* streaming = nullptr;

  void Stop() {
    stop = true;
    beast::error_code ec;
    if (idle) stream.socket().cancel(ec);
    if (streaming) {
      streaming->Stop();
      poll_timer.cancel();
    }
  }
};

template <class Message>
void CopyHeaders(const HttpResponse& from, Message& to) {
  for (const auto& h : from.headers) to.set(h.name, h.value);
}

// What the per-address bound counts: an IPv4 address (IPv4-mapped IPv6 ones
// too), or the /64 prefix of an IPv6 one, since one host commonly holds a
// whole /64.
std::string AddressKey(const asio::ip::address& a) {
  if (!a.is_v6()) return a.to_string();
  auto v6 = a.to_v6();
  if (v6.is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_string();
  auto bytes = v6.to_bytes();
  for (size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
  return asio::ip::address_v6(bytes).to_string() + "/64";
}

// A whole response refusing a connection at accept, serialised by Beast so
// that Content-Length matches the body.
std::string RefusalBytes(int status, std::string_view code, std::string_view detail) {
  HttpResponse p = Problem(status, code, detail);
  http::response<http::string_body> out{static_cast<http::status>(status), 11};
  CopyHeaders(p, out);
  out.set(http::field::retry_after, "1");
  out.body() = std::move(p.body);
  out.keep_alive(false);
  out.prepare_payload();
  std::ostringstream bytes;
  bytes << out;
  return bytes.str();
}

HttpRequest Convert(http::request<http::string_body>& in, const std::string& remote) {
  HttpRequest r;
  r.method = std::string(in.method_string());
  r.target = std::string(in.target());
  SplitTarget(r.target, &r.path, &r.query);
  r.headers.reserve(8);
  for (const auto& f : in) {
    std::string name(f.name_string());
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    r.headers.push_back({std::move(name), std::string(f.value())});
  }
  r.body = std::move(in.body());
  r.remote_addr = remote;
  return r;
}

}  // namespace

Result<std::pair<std::string, uint16_t>> ParseListenAddress(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Invalid("api.listen", "must be host:port, e.g. 127.0.0.1:8080");
  }
  std::string host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  char* end = nullptr;
  long port = std::strtol(s.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535 || colon + 1 == s.size()) {
    return Invalid("api.listen", "port must be a number between 0 and 65535");
  }
  return std::pair{host, static_cast<uint16_t>(port)};
}

Result<HttpRequest> ParseHttpRequest(std::string_view bytes, size_t max_header_bytes,
                                     size_t max_body_bytes) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(max_header_bytes));
  parser.body_limit(max_body_bytes);
  parser.eager(true);
  beast::error_code ec;
  size_t used = parser.put(asio::buffer(bytes.data(), bytes.size()), ec);
  if (!ec && !parser.is_done() && used == bytes.size()) parser.put_eof(ec);
  if (ec) return Invalid("request", ec.message());
  if (!parser.is_done()) return Invalid("request", "incomplete request");
  return Convert(parser.get(), "127.0.0.1");
}

struct HttpServer::Impl {
  Impl(ServerOptions o, Handler h, Logger l)
      : options(std::move(o)),
        handler(std::move(h)),
        log(std::move(l)),
        ios(MakeContexts(options.threads)),
        writes(options.write_threads > 0
                   ? std::make_unique<asio::thread_pool>(static_cast<size_t>(options.write_threads))
                   : nullptr),
        control(ios.front()->get_executor()),
        acceptor(control),
        signals(control),
        drain_timer(control),
        busy_reply(RefusalBytes(503, "unavailable", "too busy")),
        per_address_reply(
            RefusalBytes(429, "too_many_connections", "too many connections from this address")) {
    for (auto& io : ios) guards.push_back(asio::make_work_guard(*io));
  }

  // One single-threaded context per I/O thread, each connection on one of
  // them: a request never wakes another thread (with one context shared by
  // every thread, each request cost about two futex wake-ups and a strand).
  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(int n) {
    std::vector<std::unique_ptr<asio::io_context>> v;
    for (int i = 0; i < std::max(n, 1); ++i) v.push_back(std::make_unique<asio::io_context>(1));
    return v;
  }

  ServerOptions options;
  Handler handler;
  Logger log;
  std::vector<std::unique_ptr<asio::io_context>> ios;  // one per I/O thread
  // Keep every context running while it has no connection; released when
  // the server has drained.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::unique_ptr<asio::thread_pool> writes;  // handlers of writes (ServerOptions::write_threads)
  size_t next_context = 0;                    // round robin; on the control thread
  // The first context's thread also runs the acceptor, the signals and the
  // drain (single-threaded, so no strand is needed to serialise them).
  asio::io_context::executor_type control;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::steady_timer drain_timer;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> active{0};
  Mutex mu;
  std::unordered_map<uint64_t, std::weak_ptr<Conn>> conns GUARDED_BY(mu);
  std::unordered_map<std::string, int> per_address GUARDED_BY(mu);  // AddressKey -> open
  uint64_t next_id GUARDED_BY(mu) = 0;
  const std::string busy_reply;         // 503: the server is full
  const std::string per_address_reply;  // 429: the client's address is at its bound
  std::function<void()> on_signal;

  awaitable<void> Accept();
  // Under mu: the refusal to send to a new connection from `key`, or null to
  // let it in (the bounds: options.max_connections, max_connections_per_ip
  // and connection_reserve).
  const std::string* RefusalFor(const std::string& key) const REQUIRES(mu) {
    size_t total = active.load();
    size_t max = static_cast<size_t>(std::max(options.max_connections, 1));
    size_t reserve =
        std::min(static_cast<size_t>(std::max(options.connection_reserve, 0)), max / 4);
    auto it = per_address.find(key);
    int open = it == per_address.end() ? 0 : it->second;
    if (total >= max) return &busy_reply;
    if (options.max_connections_per_ip > 0 && open >= options.max_connections_per_ip) {
      return &per_address_reply;
    }
    if (open > 0 && total >= max - reserve) return &busy_reply;
    return nullptr;
  }
  // The handler, its exceptions turned into a 500.
  HttpResponse Call(HttpRequest& req) {
    try {
      return handler(req);
    } catch (const std::exception& e) {
      log.Error("handler threw", {{"error", e.what()}, {"path", req.path}});
      return Problem(500, "internal", "internal error");
    }
  }
  // After a handler ran on this I/O thread: options.after_turn, posted
  // behind the handlers that are already due (once per turn).
  void AfterTurnLater(const asio::any_io_executor& io) {
    thread_local bool posted = false;
    if (!options.after_turn || posted) return;
    posted = true;
    asio::post(io, [this] {
      posted = false;
      options.after_turn();
    });
  }
  awaitable<void> Session(std::shared_ptr<Conn> c);
  awaitable<bool> WriteStream(Conn& c, HttpResponse& res, unsigned version);
  awaitable<bool> WriteSimple(Conn& c, HttpResponse& res, unsigned version, bool keep_alive);
  void BeginShutdown();
  void ConnectionEnded(uint64_t id, const std::string& key);
  // On the control thread: no connection is left, let every context run out of work.
  void Drained() {
    drain_timer.cancel();
    guards.clear();
  }
  void StopAll() {
    for (auto& io : ios) io->stop();
  }
};

awaitable<void> HttpServer::Impl::Accept() {
  for (;;) {
    tcp::socket sock(*ios[next_context++ % ios.size()]);
    beast::error_code ec;
    co_await acceptor.async_accept(sock, redirect_error(use_awaitable, ec));
    if (stopping) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      log.Warn("accept failed", {{"error", ec.message()}});
      // Out of descriptors, most likely: give connections time to close.
      asio::steady_timer t(control, std::chrono::milliseconds(50));
      co_await t.async_wait(redirect_error(use_awaitable, ec));
      continue;
    }
    auto ep = sock.remote_endpoint(ec);
    if (ec) {  // the client has gone already
      sock.close(ec);
      continue;
    }
    std::string key = AddressKey(ep.address());
    const std::string* refusal = nullptr;
    uint64_t id = 0;
    {
      MutexLock lock(mu);
      refusal = RefusalFor(key);
      if (!refusal) {
        id = next_id++;
        ++per_address[key];
        ++active;
      }
    }
    if (refusal) {
      // A fresh socket's send buffer takes these few hundred bytes at once.
      asio::write(sock, asio::buffer(*refusal), ec);
      sock.shutdown(tcp::socket::shutdown_both, ec);
      sock.close(ec);
      continue;
    }
    sock.set_option(tcp::no_delay(true), ec);
    auto conn = std::make_shared<Conn>(std::move(sock));
    conn->remote = ep.address().to_string();
    {
      MutexLock lock(mu);
      conns[id] = conn;
    }
    asio::co_spawn(conn->stream.get_executor(), Session(conn),
                   [this, id, key](const std::exception_ptr& e) {
                     if (e) {
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                         log.Warn("connection ended by an exception", {{"error", ex.what()}});
                       }
                     }
                     ConnectionEnded(id, key);
                   });
  }
}

void HttpServer::Impl::ConnectionEnded(uint64_t id, const std::string& key) {
  size_t left;
  {
    MutexLock lock(mu);
    conns.erase(id);
    if (auto it = per_address.find(key); it != per_address.end() && --it->second <= 0) {
      per_address.erase(it);
    }
    left = --active;
  }
  if (left == 0 && stopping) {
    asio::post(control, [this] { Drained(); });
  }
}

awaitable<bool> HttpServer::Impl::WriteSimple(Conn& c, HttpResponse& res, unsigned version,
                                              bool keep_alive) {
  http::response<http::string_body> out{static_cast<http::status>(res.status), version};
  CopyHeaders(res, out);
  out.body() = std::move(res.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  beast::error_code ec;
  c.stream.expires_after(options.write_timeout);
  co_await http::async_write(c.stream, out, redirect_error(use_awaitable, ec));
  co_return !ec;
}

awaitable<bool> HttpServer::Impl::WriteStream(Conn& c, HttpResponse& res, unsigned version) {
  http::response<http::empty_body> head{static_cast<http::status>(res.status), version};
  CopyHeaders(res, head);
  bool sized = res.stream_length.has_value();
  if (sized) {
    head.content_length(*res.stream_length);
    head.keep_alive(!c.stop);
  } else {
    head.keep_alive(false);  // the body ends when the connection closes
  }
  http::response_serializer<http::empty_body> sr{head};
  beast::error_code ec;
  c.stream.expires_after(options.write_timeout);
  co_await http::async_write_header(c.stream, sr, redirect_error(use_awaitable, ec));
  if (ec) co_return false;
  c.streaming = res.stream.get();
  if (c.stop) res.stream->Stop();
  bool complete = false;
  uint64_t sent = 0;
  for (;;) {
    auto next = res.stream->Next();
    if (!next) {
      log.Warn("response stream failed", {{"error", next.error().ToString()}});
      break;
    }
    if (!*next) {
      complete = true;
      break;
    }
    if ((*next)->empty()) {
      c.poll_timer.expires_after(res.stream->PollInterval());
      co_await c.poll_timer.async_wait(redirect_error(use_awaitable, ec));
      continue;
    }
    c.stream.expires_after(options.write_timeout);
    co_await asio::async_write(c.stream, asio::buffer(**next), redirect_error(use_awaitable, ec));
    if (ec) break;
    sent += (*next)->size();
  }
  c.streaming = nullptr;
  co_return complete&& sized&& sent == *res.stream_length && !c.stop;
}

awaitable<void> HttpServer::Impl::Session(std::shared_ptr<Conn> c) {
  beast::flat_buffer buf;
  beast::error_code ec;
  // The first request must arrive whole within read_timeout of the accept:
  // a connection that sends nothing is not an idle keep-alive one.
  bool first = true;
  auto first_deadline = std::chrono::steady_clock::now() + options.read_timeout;
  for (;;) {
    if (buf.size() == 0) {
      // Idle between requests: wait for bytes without a parser, so that a
      // shutdown can close this connection at once.
      if (c->stop) break;
      c->idle = true;
      if (first) {
        c->idle_timer.expires_at(first_deadline);
      } else {
        c->idle_timer.expires_after(options.keepalive_timeout);
      }
      std::weak_ptr<Conn> weak = c;
      c->idle_timer.async_wait([weak](beast::error_code e) {
        if (auto cc = weak.lock(); cc && !e) {
          beast::error_code ignored;
          cc->stream.socket().cancel(ignored);
        }
      });
      co_await c->stream.socket().async_wait(tcp::socket::wait_read,
                                             redirect_error(use_awaitable, ec));
      c->idle = false;
      c->idle_timer.cancel();
      if (ec || c->stop) break;
    }
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    if (first) {
      c->stream.expires_at(first_deadline);
      first = false;
    } else {
      c->stream.expires_after(options.read_timeout);
    }
    co_await http::async_read_header(c->stream, buf, parser, redirect_error(use_awaitable, ec));
    if (!ec && !parser.is_done()) {
      if (auto expect = parser.get()[http::field::expect]; beast::iequals(expect, "100-continue")) {
        static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
        co_await asio::async_write(c->stream, asio::buffer(kContinue, sizeof kContinue - 1),
                                   redirect_error(use_awaitable, ec));
      }
      if (!ec) {
        co_await http::async_read(c->stream, buf, parser, redirect_error(use_awaitable, ec));
      }
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
      break;
    }
    if (ec) {
      HttpResponse err =
          ec == http::error::body_limit
              ? Problem(
                    413, "payload_too_large",
                    "the request body exceeds " + std::to_string(options.max_body_bytes) + " bytes")
          : ec == http::error::header_limit
              ? Problem(431, "headers_too_large", "the request headers are too large")
              : Problem(400, "bad_request", "malformed HTTP request");
      co_await WriteSimple(*c, err, 11, false);
      break;
    }
    auto& breq = parser.get();
    unsigned version = breq.version();
    bool keep_alive = breq.keep_alive();
    HttpRequest req = Convert(breq, c->remote);
    HttpResponse res;
    if (writes && req.method != "GET" && req.method != "HEAD") {
      res = co_await asio::co_spawn(
          writes->get_executor(),
          [this, &req]() -> awaitable<HttpResponse> { co_return Call(req); }, use_awaitable);
    } else {
      res = Call(req);
      AfterTurnLater(c->stream.get_executor());
    }
    keep_alive = keep_alive && !c->stop && !stopping;
    bool ok = false;
    if (res.stream) {
      ok = co_await WriteStream(*c, res, version);
      keep_alive = keep_alive && ok;
    } else {
      ok = co_await WriteSimple(*c, res, version, keep_alive);
    }
    if (!ok || !keep_alive) break;
  }
  c->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  c->stream.close();
}

void HttpServer::Impl::BeginShutdown() {
  asio::post(control, [this] {
    if (stopping.exchange(true)) return;
    beast::error_code ec;
    acceptor.close(ec);
    signals.cancel(ec);
    std::vector<std::shared_ptr<Conn>> live;
    {
      MutexLock lock(mu);
      for (auto& [id, w] : conns) {
        if (auto c = w.lock()) live.push_back(std::move(c));
      }
    }
    for (auto& c : live) {
      asio::post(c->stream.get_executor(), [c] { c->Stop(); });
    }
    if (active.load() == 0) {
      Drained();
      return;
    }
    drain_timer.expires_after(options.drain_timeout);
    drain_timer.async_wait([this](beast::error_code e) {
      if (e) return;  // every connection ended in time
      log.Warn("drain timeout: closing remaining connections", {{"connections", active.load()}});
      StopAll();
    });
  });
}

HttpServer::HttpServer(ServerOptions options, Handler handler, Logger log)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(log))) {}

HttpServer::~HttpServer() {
  if (!impl_->threads.empty()) {
    Shutdown();
    Wait();
  }
}

Result<uint16_t> HttpServer::Listen() {
  beast::error_code ec;
  auto addr = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return Invalid("api.listen", "not an IP address: " + impl_->options.host);
  tcp::endpoint ep(addr, impl_->options.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Fail(ErrorCode::kUnavailable, "cannot listen on " + impl_->options.host + ":" +
                                             std::to_string(impl_->options.port) + ": " +
                                             ec.message());
  }
  return a.local_endpoint().port();
}

void HttpServer::StopOnSignals(std::function<void()> on_signal) {
  impl_->on_signal = std::move(on_signal);
  impl_->signals.add(SIGTERM);
  impl_->signals.add(SIGINT);
  impl_->signals.async_wait([this](beast::error_code ec, int sig) {
    if (ec) return;
    impl_->log.Info("signal received: draining", {{"signal", sig}});
    if (impl_->on_signal) impl_->on_signal();
    impl_->BeginShutdown();
  });
}

void HttpServer::Start() {
  asio::co_spawn(impl_->control, impl_->Accept(), asio::detached);
  for (int i = 0; i < impl_->options.threads; ++i) {
    impl_->threads.emplace_back([this, &io = *impl_->ios[static_cast<size_t>(i)]] {
      for (;;) {
        try {
          io.run();
          break;
        } catch (const std::exception& e) {
          impl_->log.Error("I/O thread caught an exception", {{"error", e.what()}});
        }
      }
      if (impl_->options.after_turn) impl_->options.after_turn();
    });
  }
}

void HttpServer::Shutdown() { impl_->BeginShutdown(); }

void HttpServer::Wait() {
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  impl_->threads.clear();
  // The sessions waited for their handlers; nothing is left in the pool.
  if (impl_->writes) impl_->writes->join();
}

size_t HttpServer::active_connections() const { return impl_->active.load(); }

}  // namespace aiprod::api
