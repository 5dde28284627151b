// The server's threads: a write's handler runs off the I/O threads, so a
// handler that waits (for the disk, here for another request) does not stop
// the server from answering.
#include "api/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "http_client.h"

namespace aiprod::api {
namespace {

using namespace std::chrono_literals;

// One I/O thread. The POST handler waits until a GET has been handled: with
// write handlers on the I/O thread the GET could not be read until the POST
// gave up (504); with the write pool both succeed.
TEST(HttpServerThreads, AWaitingWriteDoesNotHoldTheIoThread) {
  std::promise<void> post_entered, get_handled;
  std::shared_future<void> got_get = get_handled.get_future().share();
  ServerOptions o;
  o.threads = 1;
  o.write_threads = 2;
  HttpServer server(
      o,
      [&](HttpRequest& req) {
        HttpResponse r;
        if (req.method == "POST") {
          post_entered.set_value();
          r.status = got_get.wait_for(10s) == std::future_status::ready ? 201 : 504;
        } else {
          r.status = 200;
          get_handled.set_value();
        }
        return r;
      },
      Logger(LogLevel::kError, LogFormat::kText));
  auto port = server.Listen();
  ASSERT_TRUE(port.has_value()) << port.error().ToString();
  server.Start();
  long post_status = 0;
  std::thread post([&] {
    testing::HttpClient c(*port);
    post_status = c.Post("/write", "{}").status;
  });
  post_entered.get_future().wait();  // the POST handler is now waiting
  testing::HttpClient c(*port);
  EXPECT_EQ(c.Get("/read").status, 200);
  post.join();
  EXPECT_EQ(post_status, 201);
  server.Shutdown();
  server.Wait();
}

// ServerOptions::after_turn runs on the I/O thread after the handlers of a
// turn of its event loop: between two requests of one connection (the next
// is read only after the response's write completes, which is queued behind
// it) and when the thread ends.
TEST(HttpServerThreads, AfterTurnRunsOnTheIoThreadBetweenRequestsAndAtTheEnd) {
  std::atomic<int> turns{0};
  std::vector<int> seen;  // turns ended before each request's handler
  std::thread::id io_thread, turn_thread;
  ServerOptions o;
  o.threads = 1;
  o.after_turn = [&] {
    turn_thread = std::this_thread::get_id();
    ++turns;
  };
  HttpServer server(
      o,
      [&](HttpRequest&) {
        io_thread = std::this_thread::get_id();
        seen.push_back(turns.load());
        HttpResponse r;
        r.status = 200;
        return r;
      },
      Logger(LogLevel::kError, LogFormat::kText));
  auto port = server.Listen();
  ASSERT_TRUE(port.has_value()) << port.error().ToString();
  server.Start();
  testing::HttpClient c(*port);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.Get("/read").status, 200);
  server.Shutdown();
  server.Wait();
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(turns.load(), 4) << "three turns with a request, and the thread's end";
  EXPECT_EQ(turn_thread, io_thread);
}

}  // namespace
}  // namespace aiprod::api
