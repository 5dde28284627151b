#include "render/frame_pipeline.h"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include "core/thread_annotations.h"
#include "render/pixel_convert.h"
#include "render/transition_draw.h"

namespace aiprod {
namespace {

struct Slot {
  AVFrame* frame = nullptr;  // owned by FrameBuffers
  int64_t n = -1;
  bool ready = false;  // holds frame n, drawn, not yet encoded
};

// State shared by the drawing threads and the encoding thread. A slot's `n`
// and `ready` are guarded by `mu`. Slot (n - begin) % size() belongs to the
// drawing thread that took frame n until it marks the slot ready, then to the
// encoder until `consumed` passes n.
struct Ring {
  explicit Ring(int64_t begin) : next_to_draw(begin), consumed(begin) {}

  Mutex mu;
  std::condition_variable cv;
  std::vector<Slot> slots;
  int64_t next_to_draw GUARDED_BY(mu) = 0;
  int64_t consumed GUARDED_BY(mu) = 0;
  bool stop GUARDED_BY(mu) = false;
  std::optional<Error> error GUARDED_BY(mu);
};

Status DrawFrame(const SegmentFrames& job, int64_t n, DrawScratch& scratch, AVFrame* out) {
  int err = av_frame_make_writable(out);
  if (err < 0) return av::AvFail("av_frame_make_writable", err);
  const Yuv420Planes planes{out->data[0],     out->data[1],     out->data[2],
                            out->linesize[0], out->linesize[1], out->linesize[2]};
  return DrawOutputFrame(*job.timeline, *job.scenes, *job.map, job.overlays, n, scratch, planes);
}

void DrawLoop(const SegmentFrames& job, Ring& ring, DrawScratch& scratch) {
  const auto slots = static_cast<int64_t>(ring.slots.size());
  for (;;) {
    int64_t n;
    {
      MutexLock lock(ring.mu);
      ring.cv.wait(lock, [&]() REQUIRES(ring.mu) {
        return ring.stop || ring.next_to_draw >= job.end ||
               ring.next_to_draw < ring.consumed + slots;
      });
      if (ring.stop || ring.next_to_draw >= job.end) return;
      n = ring.next_to_draw++;
    }
    Slot& slot = ring.slots[static_cast<size_t>((n - job.begin) % slots)];
    Status st = DrawFrame(job, n, scratch, slot.frame);
    MutexLock lock(ring.mu);
    if (!st) {
      if (!ring.error) ring.error = st.error();
      ring.stop = true;
    } else {
      slot.n = n;
      slot.ready = true;
    }
    ring.cv.notify_all();
  }
}

// Stops the drawing threads on every exit path before they are joined.
struct StopOnExit {
  Ring& ring;
  ~StopOnExit() {
    {
      MutexLock lock(ring.mu);
      ring.stop = true;
    }
    ring.cv.notify_all();
  }
};

}  // namespace

Status DrawOutputFrame(const Timeline& tl, SceneCache& scenes, const CanvasMapping& m,
                       const FrameOverlays* overlays, int64_t n, DrawScratch& scratch,
                       const Yuv420Planes& planes) {
  FrameMix mix = tl.At(n);
  AIPROD_ASSIGN(const PreparedScene* top, scenes.Acquire(mix.top));
  if (!mix.has_under) {
    AIPROD_TRY(top->Draw(planes, scratch, mix.top_frame));
  } else {
    AIPROD_ASSIGN(const PreparedScene* under, scenes.Acquire(mix.under));
    AIPROD_TRY(under->Draw(planes, scratch, mix.under_frame));
    if (mix.top_frame > 0) {  // at k = 0 the incoming scene is not shown yet
      if (scratch.yuv.empty()) scratch.yuv = Yuv420Image(m.out_width, m.out_height);
      AIPROD_TRY(top->Draw(scratch.yuv.planes(), scratch, mix.top_frame));
      ComposeTransition(mix.transition, mix.top_frame, mix.fade_frames, scratch.yuv.view(), planes,
                        m.Canvas(), m.out_width, m.out_height);
    }
  }
  scenes.FrameDone(mix.top);
  if (mix.has_under) scenes.FrameDone(mix.under);
  if (overlays != nullptr) overlays->Draw(n, planes, m.out_width, m.out_height);
  return {};
}

Status EncodeSegmentFrames(const SegmentFrames& job) {
  const int workers = std::max(1, job.draw_threads);
  Ring ring(job.begin);
  ring.slots.resize(static_cast<size_t>(workers) + 2);
  FrameBuffers& buf = *job.buffers;
  while (buf.frames.size() < ring.slots.size()) {
    AIPROD_ASSIGN(av::FramePtr f, NewYuvFrame(job.map->out_width, job.map->out_height));
    buf.frames.push_back(std::move(f));
  }
  for (size_t i = 0; i < ring.slots.size(); ++i) ring.slots[i].frame = buf.frames[i].get();
  if (buf.scratch.size() < static_cast<size_t>(workers)) buf.scratch.resize(workers);

  std::vector<std::jthread> threads;
  StopOnExit stop_guard{ring};  // destroyed before `threads`, so they exit and join
  try {
    for (int i = 0; i < workers; ++i) {
      threads.emplace_back([&, i] { DrawLoop(job, ring, buf.scratch[static_cast<size_t>(i)]); });
    }
  } catch (const std::system_error& e) {
    return Fail(ErrorCode::kInternal, std::string("cannot start drawing threads: ") + e.what());
  }

  const auto slots = static_cast<int64_t>(ring.slots.size());
  for (int64_t n = job.begin; n < job.end; ++n) {
    if (job.check_stop) AIPROD_TRY(job.check_stop());
    Slot& slot = ring.slots[static_cast<size_t>((n - job.begin) % slots)];
    {
      MutexLock lock(ring.mu);
      ring.cv.wait(lock, [&]() REQUIRES(ring.mu) {
        return ring.error.has_value() || (slot.ready && slot.n == n);
      });
      if (ring.error) return Unexpected(*ring.error);
    }
    AIPROD_TRY(job.writer->WriteVideo(slot.frame));
    {
      MutexLock lock(ring.mu);
      slot.ready = false;
      ring.consumed = n + 1;
    }
    ring.cv.notify_all();
    if (job.frame_encoded) job.frame_encoded();
  }
  return {};
}

}  // namespace aiprod
