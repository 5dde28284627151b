#include "render/frame_pipeline.h"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include "render/pixel_convert.h"
#include "render/speech.h"

namespace aiprod {
namespace {

struct Slot {
  av::FramePtr frame;
  int64_t n = -1;
  bool ready = false;  // holds frame n, drawn, not yet encoded
};

// State shared by the drawing threads and the encoding thread; every field
// is guarded by `mu`. Slot n % size() belongs to the drawing thread that took
// frame n until it marks the slot ready, then to the encoder until `consumed`
// passes n.
struct Ring {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Slot> slots;
  int64_t next_to_draw = 0;
  int64_t consumed = 0;
  bool stop = false;
  std::optional<Error> error;
};

Status DrawFrame(const FrameJob& job, int64_t n, DrawScratch& scratch, AVFrame* out) {
  const Timeline& tl = *job.timeline;
  const CanvasMapping& m = *job.map;
  int err = av_frame_make_writable(out);
  if (err < 0) return av::AvFail("av_frame_make_writable", err);
  const Yuv420Planes planes{out->data[0],     out->data[1],     out->data[2],
                            out->linesize[0], out->linesize[1], out->linesize[2]};
  FrameMix mix = tl.At(n);
  AIPROD_ASSIGN(const PreparedScene* top, job.scenes->Acquire(mix.top));
  if (!mix.has_under) {
    top->Draw(planes, scratch, mix.top_frame);
  } else {
    AIPROD_ASSIGN(const PreparedScene* under, job.scenes->Acquire(mix.under));
    under->Draw(planes, scratch, mix.under_frame);
    if (mix.top_frame > 0) {  // at k = 0 the incoming scene's weight is 0
      if (scratch.yuv.empty()) scratch.yuv = Yuv420Image(m.out_width, m.out_height);
      top->Draw(scratch.yuv.planes(), scratch, mix.top_frame);
      BlendYuv420(scratch.yuv.view(), planes, m.out_width, m.out_height, mix.top_frame,
                  tl.scenes()[mix.top].fade_frames);
    }
  }
  job.scenes->FrameDone(mix.top);
  if (mix.has_under) job.scenes->FrameDone(mix.under);
  return {};
}

void DrawLoop(const FrameJob& job, Ring& ring) {
  const int64_t total = job.timeline->total_frames();
  const auto slots = static_cast<int64_t>(ring.slots.size());
  DrawScratch scratch;
  for (;;) {
    int64_t n;
    {
      std::unique_lock lock(ring.mu);
      ring.cv.wait(lock, [&] {
        return ring.stop || ring.next_to_draw >= total || ring.next_to_draw < ring.consumed + slots;
      });
      if (ring.stop || ring.next_to_draw >= total) return;
      n = ring.next_to_draw++;
    }
    Slot& slot = ring.slots[static_cast<size_t>(n % slots)];
    Status st = DrawFrame(job, n, scratch, slot.frame.get());
    std::lock_guard lock(ring.mu);
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
      std::lock_guard lock(ring.mu);
      ring.stop = true;
    }
    ring.cv.notify_all();
  }
};

}  // namespace

Status RunFramePipeline(const FrameJob& job) {
  const Timeline& tl = *job.timeline;
  const int64_t total = tl.total_frames();
  const int workers = std::max(1, job.draw_threads);
  Ring ring;
  ring.slots.resize(static_cast<size_t>(workers) + 2);
  for (Slot& s : ring.slots) {
    AIPROD_ASSIGN(s.frame, job.writer->NewVideoFrame());
  }

  std::vector<std::jthread> threads;
  StopOnExit stop_guard{ring};  // destroyed before `threads`, so they exit and join
  try {
    for (int i = 0; i < workers; ++i) threads.emplace_back([&] { DrawLoop(job, ring); });
  } catch (const std::system_error& e) {
    return Fail(ErrorCode::kInternal, std::string("cannot start drawing threads: ") + e.what());
  }

  const auto slots = static_cast<int64_t>(ring.slots.size());
  size_t audio_written = 0;
  int last_report = -1;
  for (int64_t n = 0; n < total; ++n) {
    if (job.cancel != nullptr && job.cancel->load()) {
      return Fail(ErrorCode::kCancelled, "render cancelled");
    }
    Slot& slot = ring.slots[static_cast<size_t>(n % slots)];
    {
      std::unique_lock lock(ring.mu);
      ring.cv.wait(lock, [&] { return ring.error.has_value() || (slot.ready && slot.n == n); });
      if (ring.error) return Unexpected(*ring.error);
    }
    AIPROD_TRY(job.writer->WriteVideo(slot.frame.get()));
    // Audio up to the end of this frame keeps the muxer's interleaving short.
    auto audio_end = static_cast<size_t>(((n + 1) * kAudioSampleRate + tl.fps() / 2) / tl.fps());
    audio_end = std::min(audio_end, job.audio.size());
    if (audio_end > audio_written) {
      AIPROD_TRY(
          job.writer->WriteAudio(job.audio.subspan(audio_written, audio_end - audio_written)));
      audio_written = audio_end;
    }
    {
      std::lock_guard lock(ring.mu);
      slot.ready = false;
      ring.consumed = n + 1;
    }
    ring.cv.notify_all();
    if (job.progress) {
      int step = static_cast<int>(200 * (n + 1) / total);
      if (step != last_report) {
        last_report = step;
        job.progress(static_cast<double>(n + 1) / static_cast<double>(total));
      }
    }
  }
  if (audio_written < job.audio.size())
    AIPROD_TRY(job.writer->WriteAudio(job.audio.subspan(audio_written)));
  return {};
}

}  // namespace aiprod
