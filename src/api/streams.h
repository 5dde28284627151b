// Streamed response bodies: Server-Sent Events of a job, and files served
// with HTTP Range support (single ranges; browsers seek in videos with them).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "api/event_feed.h"
#include "api/http.h"
#include "core/clock.h"

namespace aiprod::api {

// How long an event stream may go on: the caller's credentials are checked
// again while it runs, so a revoked API key or an expired JWT ends it.
struct StreamAccess {
  std::chrono::milliseconds poll{500};  // how often the feed is read
  // Called every `recheck_ms` (and not before): false ends the stream (an
  // API key revoked, or its lookup failing: fail closed). Null: never.
  std::function<bool()> still_allowed;
  int64_t recheck_ms = 5000;
  int64_t until_ms = 0;  // the credential's end (a JWT's exp); 0: none
  // Held while the stream lives (its place in the per-principal count).
  std::shared_ptr<void> slot;
};

// Streams the job's events after `after_id` as SSE (`id`, `event` = event
// type, `data` = the event JSON), a comment every 15 s to keep proxies from
// closing an idle stream, and ends once the job is in a terminal state and
// every event has been sent, or once `access` says the caller may no longer
// read it (with a last comment saying why).
std::unique_ptr<BodyStream> MakeEventStream(JobEventFeed& feed, const Clock& clock,
                                            std::string job_id, int64_t after_id,
                                            StreamAccess access);

// Open event streams per principal. Thread-safe; a slot outlives this object
// safely (it holds the shared count).
class StreamSlots {
 public:
  StreamSlots();
  // A slot for one more stream of `principal_id`, released when the last copy
  // is dropped; null if it already has `max` open (max <= 0: no limit).
  std::shared_ptr<void> Take(const std::string& principal_id, int max);
  int Open(const std::string& principal_id) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// A response for `path` honouring a `Range` header (null: none): 200 with the
// whole file, 206 with Content-Range for one satisfiable range, 416 for an
// unsatisfiable one. kNotFound if the file is gone.
Result<HttpResponse> ServeFile(const std::string& path, const std::string& content_type,
                               const std::string* range);

struct ByteRange {
  uint64_t first = 0, last = 0;  // inclusive
};
enum class RangeResult { kNone, kOk, kUnsatisfiable };
// Parses "bytes=a-b" | "bytes=a-" | "bytes=-n" against a file of `size` bytes.
// Several ranges, or anything malformed, read as kNone (serve the whole file).
RangeResult ParseRange(std::string_view header, uint64_t size, ByteRange* out);

}  // namespace aiprod::api
