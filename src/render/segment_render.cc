#include "render/segment_render.h"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "core/thread_annotations.h"
#include "render/frame_pipeline.h"

namespace aiprod {
namespace {

// Shared by the jobs and the calling thread.
struct Shared {
  explicit Shared(int jobs) : running(jobs) {}

  Mutex mu;
  std::condition_variable cv;
  size_t next_task GUARDED_BY(mu) = 0;
  int running GUARDED_BY(mu) = 0;
  int64_t frames_done GUARDED_BY(mu) = 0;
  std::optional<Error> error GUARDED_BY(mu);
  std::atomic<bool> abort{false};
};

// Removes a temporary file unless it was committed.
class TempGuard {
 public:
  explicit TempGuard(std::string path) : path_(std::move(path)) {}
  ~TempGuard() {
    if (!path_.empty()) {
      std::error_code ec;
      std::filesystem::remove(path_, ec);
    }
  }
  TempGuard(const TempGuard&) = delete;
  TempGuard& operator=(const TempGuard&) = delete;
  void Release() { path_.clear(); }

 private:
  std::string path_;
};

Status EncodeTask(const SegmentTask& task, const SegmentRenderContext& ctx, Shared& shared,
                  FrameBuffers& buffers) {
  AIPROD_ASSIGN(std::string temp, ctx.store->TempPathFor(task.key));
  TempGuard guard(temp);
  {
    AIPROD_ASSIGN(auto writer, SegmentWriter::Open(temp, ctx.encoder));
    SegmentFrames job;
    job.timeline = ctx.timeline;
    job.scenes = ctx.scenes;
    job.map = ctx.map;
    job.overlays = ctx.overlays;
    job.begin = task.segment.begin;
    job.end = task.segment.end;
    job.writer = writer.get();
    job.buffers = &buffers;
    job.draw_threads = ctx.draw_threads;
    job.frame_encoded = [&shared] {
      {
        MutexLock lock(shared.mu);
        ++shared.frames_done;
      }
      shared.cv.notify_all();
    };
    job.check_stop = [&ctx, &shared]() -> Status {
      if (ctx.cancel != nullptr && ctx.cancel->load()) {
        return Fail(ErrorCode::kCancelled, "render cancelled");
      }
      if (shared.abort.load() || (ctx.abort != nullptr && ctx.abort->load())) {
        return Fail(ErrorCode::kCancelled, "stopped by another failure");
      }
      return {};
    };
    AIPROD_TRY(EncodeSegmentFrames(job));
    AIPROD_TRY(writer->Finish());
  }  // the encoder's memory is released before the next segment starts
  AIPROD_TRY(ctx.store->Commit(temp, task.key));
  guard.Release();
  return {};
}

void JobLoop(const std::vector<SegmentTask>& tasks, const SegmentRenderContext& ctx,
             Shared& shared) {
  FrameBuffers buffers;
  for (;;) {
    size_t i;
    {
      MutexLock lock(shared.mu);
      if (shared.error || shared.next_task >= tasks.size()) break;
      i = shared.next_task++;
    }
    Status st = EncodeTask(tasks[i], ctx, shared, buffers);
    if (!st) {
      MutexLock lock(shared.mu);
      // The first failure wins; the others were stopped because of it.
      if (!shared.error) shared.error = st.error();
      shared.abort = true;
      break;
    }
  }
  {
    MutexLock lock(shared.mu);
    --shared.running;
  }
  shared.cv.notify_all();
}

}  // namespace

Status RenderSegments(const std::vector<SegmentTask>& tasks, const SegmentRenderContext& ctx) {
  if (tasks.empty()) return {};
  const int jobs = std::clamp(ctx.jobs, 1, static_cast<int>(tasks.size()));
  Shared shared(jobs);
  std::vector<std::jthread> threads;
  try {
    for (int j = 0; j < jobs; ++j) {
      threads.emplace_back([&] { JobLoop(tasks, ctx, shared); });
    }
  } catch (const std::system_error& e) {
    Error error{ErrorCode::kInternal, std::string("cannot start segment threads: ") + e.what(), ""};
    {
      MutexLock lock(shared.mu);
      shared.running -= jobs - static_cast<int>(threads.size());
      shared.error = error;
      shared.abort = true;
    }
    threads.clear();  // joins the started ones
    return Unexpected(std::move(error));
  }
  // Report progress here, on the calling thread, until every job has ended.
  int64_t reported = -1;
  MutexLock lock(shared.mu);
  for (;;) {
    shared.cv.wait(lock, [&]() REQUIRES(shared.mu) {
      return shared.running == 0 || shared.frames_done != reported;
    });
    if (shared.frames_done != reported && ctx.progress) {
      reported = shared.frames_done;
      const int64_t done = reported;
      lock.unlock();
      ctx.progress(done);
      lock.lock();
    }
    if (shared.running == 0) break;
  }
  std::optional<Error> error = shared.error;  // final: every job has ended
  lock.unlock();
  threads.clear();
  if (error) return Unexpected(std::move(*error));
  return {};
}

}  // namespace aiprod
