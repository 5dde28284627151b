// Streamed response bodies: Server-Sent Events of a job, and files served
// with HTTP Range support (single ranges; browsers seek in videos with them).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "api/event_feed.h"
#include "api/http.h"
#include "core/clock.h"

namespace aiprod::api {

// Streams the job's events after `after_id` as SSE (`id`, `event` = event
// type, `data` = the event JSON), a comment every 15 s to keep proxies from
// closing an idle stream, and ends once the job is in a terminal state and
// every event has been sent.
std::unique_ptr<BodyStream> MakeEventStream(JobEventFeed& feed, const Clock& clock,
                                            std::string job_id, int64_t after_id,
                                            std::chrono::milliseconds poll);

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
