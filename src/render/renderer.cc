#include "render/renderer.h"

extern "C" {
#include <libavutil/log.h>
}

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/files.h"
#include "render/audio_mix.h"
#include "render/compositor.h"
#include "render/encoder.h"
#include "render/frame_pipeline.h"
#include "render/geometry.h"
#include "render/scene_cache.h"
#include "render/timeline.h"

namespace aiprod {
namespace {

// Removes the temporary output unless it was committed.
class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  ~TempFile() {
    if (!committed_) {
      std::error_code ec;
      std::filesystem::remove(path_, ec);
    }
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }
  void Committed() { committed_ = true; }

 private:
  std::string path_;
  bool committed_ = false;
};

Status CheckCanvas(const Canvas& c) {
  if (c.width < 16 || c.width > 8192) return Invalid("canvas.width", "must be 16..8192");
  if (c.height < 16 || c.height > 8192) return Invalid("canvas.height", "must be 16..8192");
  if (c.fps < 0 || c.fps > 120)
    return Invalid("canvas.fps", "must be 1..120 (or 0 for the default)");
  return {};
}

int ResolveThreads(int threads) {
  if (threads > 0) return threads;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

// x264 takes most of the CPU; drawing a frame costs a few milliseconds, so
// one drawing thread keeps up on small machines.
int DrawThreads(int threads) { return std::clamp(1 + threads / 8, 1, 4); }

}  // namespace

Result<RenderResult> RenderVideo(const Manifest& m, const RenderSettings& settings,
                                 const std::string& out_path, const RenderProgress& progress,
                                 const std::atomic<bool>* cancel) {
  const auto wall_start = std::chrono::steady_clock::now();
  // libav's default level prints x264's and the muxer's statistics on every
  // render; keep warnings and errors unless the process chose a level itself.
  if (av_log_get_level() == AV_LOG_INFO) av_log_set_level(AV_LOG_WARNING);
  AIPROD_TRY(ValidateSettings(settings));
  AIPROD_TRY(CheckCanvas(m.canvas));
  if (out_path.empty()) return Invalid("out_path", "is empty");
  const int fps = m.canvas.fps > 0 ? m.canvas.fps : settings.fps;
  AIPROD_ASSIGN(Timeline timeline, Timeline::Build(m, fps));
  const CanvasMapping map =
      CanvasMapping::Fit(m.canvas.width, m.canvas.height, settings.width, settings.height);

  // Everything that can be wrong with the input fails here, before any output.
  std::vector<ScenePlan> plans;
  plans.reserve(m.scenes.size());
  for (size_t i = 0; i < m.scenes.size(); ++i) {
    AIPROD_ASSIGN(ScenePlan plan, PlanScene(m, i, timeline.scenes()[i].frames, fps, map));
    plans.push_back(std::move(plan));
  }
  AIPROD_ASSIGN(AudioTrack audio, MixAudio(m, timeline, settings));
  if (m.audio.normalize) {
    double target = m.audio.loudness_lufs.value_or(settings.loudness_lufs);
    if (!(target >= -70 && target <= -5)) return Invalid("audio.loudness_lufs", "must be -70..-5");
    AIPROD_TRY(NormalizeLoudness(audio.mono, target, settings.true_peak_dbtp));
  }
  if (cancel != nullptr && cancel->load()) return Fail(ErrorCode::kCancelled, "render cancelled");

  AIPROD_TRY(MakeDirs(std::filesystem::path(out_path).parent_path().string()));
  TempFile temp(TempPathFor(out_path));
  const int threads = ResolveThreads(settings.threads);
  EncoderOptions eo{settings.width,
                    settings.height,
                    fps,
                    settings.crf,
                    settings.x264_preset,
                    threads,
                    settings.audio_bitrate_kbps};
  {
    AIPROD_ASSIGN(auto writer, Mp4Writer::Open(temp.path(), eo));
    SceneCache scenes(plans, timeline, map);
    FrameJob job;
    job.timeline = &timeline;
    job.scenes = &scenes;
    job.map = &map;
    job.writer = writer.get();
    job.audio = audio.mono;
    job.draw_threads = DrawThreads(threads);
    job.progress = progress;
    job.cancel = cancel;
    AIPROD_TRY(RunFramePipeline(job));
    AIPROD_TRY(writer->Finish());
  }
  AIPROD_TRY(CommitFile(temp.path(), out_path));
  temp.Committed();

  RenderResult r;
  r.video_path = out_path;
  r.frames = timeline.total_frames();
  r.fps = fps;
  r.duration_s = timeline.duration_s();
  r.width = settings.width;
  r.height = settings.height;
  for (const NarrationClip& c : audio.clips) {
    r.cues.push_back({c.scene, static_cast<double>(c.start) / kAudioSampleRate,
                      static_cast<double>(c.end) / kAudioSampleRate,
                      m.scenes[c.scene].narration->text});
  }
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return r;
}

}  // namespace aiprod
