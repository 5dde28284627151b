#include "render/renderer.h"

extern "C" {
#include <libavutil/log.h>
}

#include <chrono>
#include <filesystem>
#include <functional>
#include <set>
#include <system_error>
#include <thread>

#include "core/files.h"
#include "core/json.h"
#include "render/assets.h"
#include "render/audio_mix.h"
#include "render/captions.h"
#include "render/geometry.h"
#include "render/heap_policy.h"
#include "render/poster.h"
#include "render/scene_cache.h"
#include "render/segment_join.h"
#include "render/segment_key.h"
#include "render/segment_render.h"
#include "render/segment_store.h"
#include "render/segments.h"
#include "render/soundtrack.h"
#include "render/timeline.h"

namespace aiprod {
namespace {

constexpr double kMaxRenderSeconds = 3600;

// Removes a temporary output unless it was committed.
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

// `out` without its extension.
std::string Stem(const std::string& out) {
  std::filesystem::path p(out);
  return (p.parent_path() / p.stem()).string();
}

Status WriteTemp(const TempFile& f, const std::string& bytes) {
  FILE* fp = std::fopen(f.path().c_str(), "wb");
  if (fp == nullptr) return Fail(ErrorCode::kIo, "cannot create " + f.path());
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), fp) == bytes.size();
  if (std::fclose(fp) != 0 || !ok) return Fail(ErrorCode::kIo, "cannot write " + f.path());
  return {};
}

// What the planning phase produces: everything the frames and sound need.
struct Planned {
  int fps = 30;
  Timeline timeline;
  CanvasMapping map;
  std::vector<ScenePlan> plans;
  bool mixed = false;  // `audio`, `cues` and `captions` are filled (MixSound)
  AudioTrack audio;    // mixed, not yet normalised (see soundtrack.h)
  SoundtrackOptions sound;
  std::vector<NarrationCue> cues;
  std::vector<CaptionCue> captions;
  FrameOverlays overlays;
};

// Speech and music mixed on the timeline, and the captions they give.
Status MixSound(const Manifest& m, const RenderSettings& settings, AssetResolver& assets,
                Planned& p) {
  AIPROD_ASSIGN(p.audio, MixAudio(m, p.timeline, settings, assets));
  for (const NarrationClip& c : p.audio.clips) {
    p.cues.push_back({c.scene, static_cast<double>(c.start) / kAudioSampleRate,
                      static_cast<double>(c.end) / kAudioSampleRate,
                      m.scenes[c.scene].narration->text});
  }
  p.captions = SplitCaptions(p.cues);
  p.mixed = true;
  return {};
}

// Everything that can be wrong with the input fails here, before any output,
// except what only speech synthesis or decoding the music can tell (an
// unknown voice, a corrupt music file) when the sound is mixed later.
Result<Planned> Plan(const Manifest& m, const RenderSettings& settings, AssetResolver& assets) {
  Planned p;
  p.fps = m.canvas.fps > 0 ? m.canvas.fps : settings.fps;
  AIPROD_ASSIGN(p.timeline, Timeline::Build(m, p.fps));
  if (p.timeline.duration_s() > kMaxRenderSeconds) {
    return Invalid("scenes", "the video would last " + FormatNumber(p.timeline.duration_s()) +
                                 " s; the renderer's limit is " + FormatNumber(kMaxRenderSeconds) +
                                 " s");
  }
  p.map = CanvasMapping::Fit(m.canvas.width, m.canvas.height, settings.width, settings.height);
  p.plans.reserve(m.scenes.size());
  for (size_t i = 0; i < m.scenes.size(); ++i) {
    AIPROD_ASSIGN(ScenePlan plan,
                  PlanScene(m, i, p.timeline.scenes()[i].frames, p.fps, p.map, assets));
    p.plans.push_back(std::move(plan));
  }
  AIPROD_TRY(CheckAudio(m, assets));
  if (m.audio.normalize) {
    double target = m.audio.loudness_lufs.value_or(settings.loudness_lufs);
    if (!(target >= -70 && target <= -5)) return Invalid("audio.loudness_lufs", "must be -70..-5");
    p.sound.target_lufs = target;
  }
  p.sound.ceiling_dbtp = settings.true_peak_dbtp;
  p.sound.bitrate_kbps = settings.audio_bitrate_kbps;
  // Burned-in captions need the narration's timings before any frame;
  // otherwise the sound is mixed beside the frames (RenderVideo).
  if (m.captions.burn_in) {
    AIPROD_TRY(CheckFontInstalled(m.captions.font, "captions.font"));
    AIPROD_TRY(MixSound(m, settings, assets, p));
    AIPROD_ASSIGN(p.overlays, CaptionOverlays(p.captions, m, p.map, p.fps));
  }
  return p;
}

// Work run on its own thread beside the caller's. The destructor raises
// stopping() (for the work to watch) and joins, so every exit path stops it.
class Beside {
 public:
  Beside() = default;
  Beside(const Beside&) = delete;
  Beside& operator=(const Beside&) = delete;
  ~Beside() { stop_ = true; }  // then thread_, the last member, joins

  Status Start(std::function<Status()> work) {
    try {
      thread_ = std::jthread([this, work = std::move(work)] { status_ = work(); });
    } catch (const std::system_error& e) {
      return Fail(ErrorCode::kInternal, std::string("cannot start a thread: ") + e.what());
    }
    return {};
  }
  // The work's status once it has ended (ok if it never started).
  Status Wait() {
    if (thread_.joinable()) thread_.join();
    return status_;
  }
  bool stopping() const { return stop_.load(); }

 private:
  std::atomic<bool> stop_{false};
  Status status_;
  std::jthread thread_;
};

}  // namespace

Result<RenderedVideo> RenderVideo(const Manifest& m, const RenderSettings& settings,
                                  const std::string& out_path, const RenderProgress& progress,
                                  const std::atomic<bool>* cancel) {
  const auto wall_start = std::chrono::steady_clock::now();
  // libav's default level prints x264's and the muxer's statistics on every
  // render; keep warnings and errors unless the process chose a level itself.
  if (av_log_get_level() == AV_LOG_INFO) av_log_set_level(AV_LOG_WARNING);
  AIPROD_TRY(ValidateSettings(settings));
  AIPROD_TRY(CheckCanvas(m.canvas));
  if (out_path.empty()) return Invalid("out_path", "is empty");
  AssetResolver assets(settings.asset_dir,
                       {.max_bytes = int64_t{settings.max_asset_mb} << 20,
                        .max_image_pixels = int64_t{settings.max_image_megapixels} * 1'000'000});
  AIPROD_ASSIGN(Planned p, Plan(m, settings, assets));
  auto cancelled = [&] { return cancel != nullptr && cancel->load(); };
  if (cancelled()) return Fail(ErrorCode::kCancelled, "render cancelled");

  const ThreadPlan threads = PlanThreads(settings);
  // One encoder at a time reuses the last one's freed memory; encoders in
  // parallel would each keep their own beyond the memory budget.
  if (threads.jobs == 1) RetainFreedHeap(settings.heap_retain_mb);
  const EncoderOptions eo{settings.width,
                          settings.height,
                          p.fps,
                          settings.crf,
                          settings.x264_preset,
                          threads.encoder_threads,
                          settings.audio_bitrate_kbps};
  const std::string render_digest = RenderDigest(m, eo, p.map);
  std::vector<std::string> scene_digests;
  for (const ScenePlan& plan : p.plans) scene_digests.push_back(SceneDigest(plan));

  const std::string out_dir = std::filesystem::path(out_path).parent_path().string();
  AIPROD_TRY(MakeDirs(out_dir));
  AIPROD_ASSIGN(auto store,
                SegmentStore::Open(settings.cache_dir, out_dir.empty() ? "." : out_dir));

  // Which segments the cache already holds.
  RenderedVideo r;
  const std::vector<Segment> segments = SplitTimeline(p.timeline);
  std::vector<SegmentTask> missing;
  std::vector<JoinPart> parts;
  std::set<std::string> keys;
  const bool want_poster = !settings.poster_format.empty();
  const int64_t poster_frame = PosterFrame(m, p.timeline);
  std::string poster_key;  // keyed by the segment that holds its frame
  for (const Segment& seg : segments) {
    const std::string key = SegmentKey(render_digest, seg, p.timeline, scene_digests,
                                       p.overlays.Describe(seg.begin, seg.end));
    keys.insert(key);
    if (seg.begin <= poster_frame && poster_frame < seg.end) {
      poster_key = PosterKey(key, poster_frame - seg.begin, settings.poster_format);
    }
    parts.push_back({store->PathFor(key), seg.begin, seg.frames()});
    const bool queued = std::any_of(missing.begin(), missing.end(),
                                    [&](const SegmentTask& t) { return t.key == key; });
    const bool cached = store->Lookup(key, SegmentStore::kSegment, [&](const std::string& path) {
      return SegmentLooksValid(path, seg.frames(), settings.width, settings.height);
    });
    if (queued || cached) {
      ++r.cache_hits;
    } else {
      missing.push_back({seg, key});
      r.frames_encoded += seg.frames();
    }
  }
  r.segments = static_cast<int64_t>(segments.size());
  r.cache_misses = static_cast<int64_t>(missing.size());

  // The sound is mixed (unless Plan did), then normalised and encoded
  // unless the cache holds it, on another thread while this one draws and
  // encodes the frames. If it fails, the frames stop.
  std::string sound_key;
  std::atomic<bool> sound_failed{false};
  Beside sound;
  AIPROD_TRY(sound.Start([&]() -> Status {
    Status st = [&]() -> Status {
      if (!p.mixed) AIPROD_TRY(MixSound(m, settings, assets, p));
      sound_key = SoundtrackKey(p.audio.mono, p.sound);
      const auto samples = static_cast<int64_t>(p.audio.mono.size());
      r.soundtrack_cached = store->Lookup(
          sound_key, SegmentStore::kSoundtrack,
          [&](const std::string& path) { return SoundtrackLooksValid(path, samples); });
      if (r.soundtrack_cached) return {};
      AIPROD_ASSIGN(std::string temp, store->TempPathFor(sound_key, SegmentStore::kSoundtrack));
      TempFile guard(temp);
      AIPROD_TRY(EncodeSoundtrack(p.audio.mono, p.sound, temp,
                                  [&] { return sound.stopping() || cancelled(); }));
      AIPROD_TRY(store->Commit(temp, sound_key, SegmentStore::kSoundtrack));
      guard.Committed();
      return {};
    }();
    if (!st) sound_failed = true;
    return st;
  }));
  const FrameOverlays* overlays = p.overlays.empty() ? nullptr : &p.overlays;

  std::vector<FrameRange> to_draw;
  for (const SegmentTask& t : missing) to_draw.push_back({t.segment.begin, t.segment.end});
  SceneCache scenes(p.plans, p.timeline, p.map, to_draw);
  SegmentRenderContext ctx;
  ctx.timeline = &p.timeline;
  ctx.scenes = &scenes;
  ctx.map = &p.map;
  ctx.overlays = overlays;
  ctx.store = store.get();
  ctx.encoder = eo;
  ctx.jobs = threads.jobs;
  ctx.draw_threads = 1;
  ctx.cancel = cancel;
  ctx.abort = &sound_failed;
  int last_step = -1;
  const double frames_total = static_cast<double>(std::max<int64_t>(1, r.frames_encoded));
  ctx.progress = [&](int64_t done) {
    const int step = static_cast<int>(200 * done / frames_total);
    if (progress && step != last_step) {
      last_step = step;
      progress(0.95 * static_cast<double>(done) / frames_total);
    }
  };
  Status frames = RenderSegments(missing, ctx);
  // A failed sound stopped the frames: its error is the one to report.
  if (!frames && !sound_failed) return Unexpected(frames.error());
  AIPROD_TRY(sound.Wait());
  AIPROD_TRY(frames);
  keys.insert(sound_key);
  if (cancelled()) return Fail(ErrorCode::kCancelled, "render cancelled");

  // The poster comes from the cache, or is drawn while this thread joins the
  // segments: not earlier, when its scene's pixels would add to the
  // encoders' memory.
  const std::string_view poster_ext =
      settings.poster_format == "png" ? SegmentStore::kPng : SegmentStore::kJpeg;
  std::string poster_bytes;
  Beside poster_work;
  if (want_poster) {
    keys.insert(poster_key);
    r.poster_cached = store->Lookup(poster_key, poster_ext, [](const std::string& path) {
      std::error_code ec;
      return std::filesystem::file_size(path, ec) > 0 && !ec;
    });
    if (r.poster_cached) {
      AIPROD_ASSIGN(poster_bytes, ReadFile(store->PathFor(poster_key, poster_ext)));
    } else {
      AIPROD_TRY(poster_work.Start([&]() -> Status {
        AIPROD_ASSIGN(poster_bytes, RenderPoster(p.plans, p.timeline, p.map, overlays, poster_frame,
                                                 settings.poster_format));
        AIPROD_ASSIGN(std::string temp, store->TempPathFor(poster_key, poster_ext));
        TempFile guard(temp);
        AIPROD_TRY(WriteTemp(guard, poster_bytes));
        AIPROD_TRY(store->Commit(temp, poster_key, poster_ext));
        guard.Committed();
        return {};
      }));
    }
  }

  TempFile video(TempPathFor(out_path));
  AIPROD_TRY(JoinSegments(parts, store->PathFor(sound_key, SegmentStore::kSoundtrack), p.fps,
                          video.path(), cancel));
  const std::string stem = Stem(out_path);
  std::string poster_path, captions_path;
  std::unique_ptr<TempFile> poster, captions;
  AIPROD_TRY(poster_work.Wait());
  if (want_poster) {
    poster_path = stem + (settings.poster_format == "png" ? ".poster.png" : ".poster.jpg");
    poster = std::make_unique<TempFile>(TempPathFor(poster_path));
    AIPROD_TRY(WriteTemp(*poster, poster_bytes));
  }
  if (settings.captions_file && !p.captions.empty()) {
    captions_path = stem + ".vtt";
    captions = std::make_unique<TempFile>(TempPathFor(captions_path));
    AIPROD_TRY(WriteTemp(*captions, WebVtt(p.captions)));
  }
  if (cancelled()) return Fail(ErrorCode::kCancelled, "render cancelled");
  if (poster) {
    AIPROD_TRY(CommitFile(poster->path(), poster_path));
    poster->Committed();
  }
  if (captions) {
    AIPROD_TRY(CommitFile(captions->path(), captions_path));
    captions->Committed();
  }
  AIPROD_TRY(CommitFile(video.path(), out_path));
  video.Committed();
  store->Prune(settings.cache_max_mb << 20, keys);

  r.video_path = out_path;
  r.captions_path = captions_path;
  r.poster_path = poster_path;
  r.frames = p.timeline.total_frames();
  r.fps = p.fps;
  r.duration_s = p.timeline.duration_s();
  r.width = settings.width;
  r.height = settings.height;
  r.cues = std::move(p.cues);
  r.captions = std::move(p.captions);
  r.segment_jobs = threads.jobs;
  r.encoder_threads = threads.encoder_threads;
  if (progress) progress(1.0);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return r;
}

}  // namespace aiprod
