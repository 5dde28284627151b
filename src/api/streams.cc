#include "api/streams.h"

#include <sys/stat.h>

#include <charconv>
#include <cstdio>
#include <mutex>
#include <unordered_map>

#include "api/problem.h"
#include "core/thread_annotations.h"

namespace aiprod::api {
namespace {

class EventStream final : public BodyStream {
 public:
  EventStream(JobEventFeed& feed, const Clock& clock, std::string job_id, int64_t after,
              StreamAccess access)
      : feed_(feed),
        clock_(clock),
        job_id_(std::move(job_id)),
        last_id_(after),
        access_(std::move(access)),
        checked_ms_(clock.NowMs()) {}

  Result<std::optional<std::string>> Next() override {
    if (stopped_ || finished_) return std::optional<std::string>();
    std::string out;
    if (!started_) {
      out = "retry: 2000\n\n";
      started_ = true;
    }
    int64_t now = clock_.NowMs();
    if (const char* why = AccessEnded(now)) {
      finished_ = true;
      return std::optional<std::string>(out + ": " + why + "\n\n");
    }
    // State first: events up to a terminal state are then all in the read below.
    AIPROD_ASSIGN(auto state, feed_.State(job_id_));
    AIPROD_ASSIGN(auto events, feed_.After(job_id_, last_id_, 200));
    for (const auto& e : events) {
      out += "id: " + std::to_string(e.id) + "\nevent: " + e.type +
             "\ndata: " + JobEventToJson(e).dump(-1, ' ', false, Json::error_handler_t::replace) +
             "\n\n";
      last_id_ = e.id;
    }
    if (events.size() < 200 && (!state || IsTerminal(*state))) finished_ = true;
    if (out.empty() && now - last_write_ms_ >= 15'000) out = ": keep-alive\n\n";
    if (!out.empty()) last_write_ms_ = now;
    if (out.empty() && finished_) return std::optional<std::string>();
    return std::optional<std::string>(std::move(out));
  }
  std::chrono::milliseconds PollInterval() const override { return access_.poll; }
  void Stop() override { stopped_ = true; }

 private:
  // Why the caller may no longer read the stream, or null.
  const char* AccessEnded(int64_t now) {
    if (access_.until_ms > 0 && now >= access_.until_ms) return "credentials expired";
    if (access_.still_allowed && now - checked_ms_ >= access_.recheck_ms) {
      checked_ms_ = now;
      if (!access_.still_allowed()) return "credentials revoked";
    }
    return nullptr;
  }

  JobEventFeed& feed_;
  const Clock& clock_;
  std::string job_id_;
  int64_t last_id_;
  StreamAccess access_;
  int64_t checked_ms_;
  bool started_ = false, finished_ = false, stopped_ = false;
  int64_t last_write_ms_ = 0;
};

struct FileClose {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

class FileStream final : public BodyStream {
 public:
  FileStream(std::unique_ptr<std::FILE, FileClose> f, uint64_t remaining)
      : f_(std::move(f)), remaining_(remaining) {}
  Result<std::optional<std::string>> Next() override {
    if (remaining_ == 0) return std::optional<std::string>();
    std::string buf(std::min<uint64_t>(remaining_, 256 << 10), '\0');
    size_t n = std::fread(buf.data(), 1, buf.size(), f_.get());
    if (n == 0) return Fail(ErrorCode::kIo, "file ended early");
    buf.resize(n);
    remaining_ -= n;
    return std::optional<std::string>(std::move(buf));
  }

 private:
  std::unique_ptr<std::FILE, FileClose> f_;
  uint64_t remaining_;
};

bool ParseU64(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::unique_ptr<BodyStream> MakeEventStream(JobEventFeed& feed, const Clock& clock,
                                            std::string job_id, int64_t after_id,
                                            StreamAccess access) {
  return std::make_unique<EventStream>(feed, clock, std::move(job_id), after_id, std::move(access));
}

struct StreamSlots::State {
  Mutex mu;
  std::unordered_map<std::string, int> open GUARDED_BY(mu);
};

StreamSlots::StreamSlots() : state_(std::make_shared<State>()) {}

std::shared_ptr<void> StreamSlots::Take(const std::string& principal_id, int max) {
  {
    MutexLock lock(state_->mu);
    int& n = state_->open[principal_id];
    if (max > 0 && n >= max) return nullptr;
    ++n;
  }
  // The deleter gives the place back; the pointer itself is never read.
  return std::shared_ptr<void>(state_.get(), [state = state_, principal_id](void*) {
    MutexLock lock(state->mu);
    if (auto it = state->open.find(principal_id); it != state->open.end() && --it->second <= 0) {
      state->open.erase(it);
    }
  });
}

int StreamSlots::Open(const std::string& principal_id) const {
  MutexLock lock(state_->mu);
  auto it = state_->open.find(principal_id);
  return it == state_->open.end() ? 0 : it->second;
}

RangeResult ParseRange(std::string_view h, uint64_t size, ByteRange* out) {
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  if (!h.starts_with("bytes=")) return RangeResult::kNone;
  h.remove_prefix(6);
  if (h.find(',') != std::string_view::npos) return RangeResult::kNone;
  auto dash = h.find('-');
  if (dash == std::string_view::npos) return RangeResult::kNone;
  std::string_view a = h.substr(0, dash), b = h.substr(dash + 1);
  uint64_t first = 0, last = 0;
  if (a.empty()) {  // suffix: the last n bytes
    uint64_t n = 0;
    if (!ParseU64(b, &n)) return RangeResult::kNone;
    if (n == 0 || size == 0) return RangeResult::kUnsatisfiable;
    first = n >= size ? 0 : size - n;
    last = size - 1;
  } else {
    if (!ParseU64(a, &first)) return RangeResult::kNone;
    if (b.empty()) {
      last = size == 0 ? 0 : size - 1;
    } else if (!ParseU64(b, &last) || last < first) {
      return RangeResult::kNone;
    }
    if (first >= size) return RangeResult::kUnsatisfiable;
    last = std::min(last, size - 1);
  }
  *out = {first, last};
  return RangeResult::kOk;
}

Result<HttpResponse> ServeFile(const std::string& path, const std::string& content_type,
                               const std::string* range) {
  std::unique_ptr<std::FILE, FileClose> f(std::fopen(path.c_str(), "rb"));
  struct stat st {};
  if (!f || fstat(fileno(f.get()), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Fail(ErrorCode::kNotFound, "no such file");
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  HttpResponse res;
  res.Set("Accept-Ranges", "bytes");
  res.Set("Content-Type", content_type);
  res.Set("Cache-Control", "private, max-age=300");
  ByteRange r{0, size == 0 ? 0 : size - 1};
  RangeResult rr = range ? ParseRange(*range, size, &r) : RangeResult::kNone;
  if (rr == RangeResult::kUnsatisfiable) {
    HttpResponse bad = Problem(416, "range_not_satisfiable", "the range is outside the file");
    bad.Set("Content-Range", "bytes */" + std::to_string(size));
    return bad;
  }
  uint64_t length = size;
  if (rr == RangeResult::kOk) {
    res.status = 206;
    length = r.last - r.first + 1;
    res.Set("Content-Range", "bytes " + std::to_string(r.first) + "-" + std::to_string(r.last) +
                                 "/" + std::to_string(size));
    if (fseeko(f.get(), static_cast<off_t>(r.first), SEEK_SET) != 0) {
      return Fail(ErrorCode::kIo, "cannot seek");
    }
  }
  res.stream = std::make_unique<FileStream>(std::move(f), length);
  res.stream_length = length;
  return res;
}

}  // namespace aiprod::api
