#include "qa/media_scan.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "qa/av_input.h"
#include "qa/gop_skip.h"
#include "qa/mp4_boxes.h"

namespace aiprod {
namespace {

using qa::Decoder;

double Dbfs(double linear) {
  return linear > 0 ? 20 * std::log10(linear) : -std::numeric_limits<double>::infinity();
}

std::string OrEmpty(const char* s) { return s ? s : ""; }

// Sample i of channel ch as a float in [-1, 1].
float SampleAt(const AVFrame* f, int ch, int i) {
  const auto fmt = static_cast<AVSampleFormat>(f->format);
  const int channels = f->ch_layout.nb_channels;
  const bool planar = av_sample_fmt_is_planar(fmt);
  const uint8_t* base = f->extended_data[planar ? ch : 0];
  const int idx = planar ? i : i * channels + ch;
  switch (av_get_packed_sample_fmt(fmt)) {
    case AV_SAMPLE_FMT_FLT:
      return reinterpret_cast<const float*>(base)[idx];
    case AV_SAMPLE_FMT_DBL:
      return static_cast<float>(reinterpret_cast<const double*>(base)[idx]);
    case AV_SAMPLE_FMT_S16:
      return reinterpret_cast<const int16_t*>(base)[idx] / 32768.0f;
    case AV_SAMPLE_FMT_S32:
      return static_cast<float>(reinterpret_cast<const int32_t*>(base)[idx] / 2147483648.0);
    case AV_SAMPLE_FMT_U8:
      return (base[idx] - 128) / 128.0f;
    default:
      return 0;
  }
}

// Accumulates whole-file and per-window levels.
class LevelMeter {
 public:
  LevelMeter(int rate, int channels, double window_s)
      : channels_(std::max(1, channels)),
        window_len_(std::max<int64_t>(1, std::llround(window_s * rate))) {}

  void Add(float s) {  // one sample of one channel, channels interleaved
    double sq = static_cast<double>(s) * s;
    total_sq_ += sq;
    peak_ = std::max(peak_, static_cast<double>(std::abs(s)));
    window_sq_ += sq;
    if (++in_window_ == window_len_ * channels_) Flush();
  }
  void Flush() {
    if (in_window_ == 0) return;
    windows_.push_back(Dbfs(std::sqrt(window_sq_ / static_cast<double>(in_window_))));
    total_n_ += in_window_;
    window_sq_ = 0;
    in_window_ = 0;
  }
  void Finish(AudioProbe& a) {
    Flush();
    a.rms_dbfs = total_n_ > 0 ? Dbfs(std::sqrt(total_sq_ / static_cast<double>(total_n_)))
                              : -std::numeric_limits<double>::infinity();
    a.peak_dbfs = Dbfs(peak_);
    a.window_rms_dbfs = std::move(windows_);
  }

 private:
  int channels_;
  int64_t window_len_;
  double total_sq_ = 0, window_sq_ = 0, peak_ = 0;
  int64_t total_n_ = 0, in_window_ = 0;
  std::vector<double> windows_;
};

VideoProbe DescribeVideo(const AVStream* st) {
  const AVCodecParameters* p = st->codecpar;
  VideoProbe v;
  v.codec = avcodec_get_name(p->codec_id);
  v.profile = OrEmpty(avcodec_profile_name(p->codec_id, p->profile));
  v.width = p->width;
  v.height = p->height;
  v.pix_fmt = OrEmpty(av_get_pix_fmt_name(static_cast<AVPixelFormat>(p->format)));
  v.avg_frame_rate = st->avg_frame_rate.den != 0 ? av_q2d(st->avg_frame_rate) : 0;
  v.color_range = OrEmpty(av_color_range_name(p->color_range));
  v.color_primaries = OrEmpty(av_color_primaries_name(p->color_primaries));
  v.color_trc = OrEmpty(av_color_transfer_name(p->color_trc));
  v.color_space = OrEmpty(av_color_space_name(p->color_space));
  return v;
}

AudioProbe DescribeAudio(const AVStream* st, double window_s) {
  const AVCodecParameters* p = st->codecpar;
  AudioProbe a;
  a.codec = avcodec_get_name(p->codec_id);
  a.profile = OrEmpty(avcodec_profile_name(p->codec_id, p->profile));
  a.sample_rate = p->sample_rate;
  a.channels = p->ch_layout.nb_channels;
  a.window_s = window_s;
  return a;
}

// Timestamp span [first, end) in stream ticks.
struct Span {
  int64_t first = std::numeric_limits<int64_t>::max();
  int64_t end = std::numeric_limits<int64_t>::min();
  void Add(int64_t pts, int64_t duration) {
    if (pts == AV_NOPTS_VALUE) return;
    first = std::min(first, pts);
    end = std::max(end, pts + std::max<int64_t>(duration, 0));
  }
  double Seconds(AVRational tb) const {
    return end > first ? static_cast<double>(end - first) * av_q2d(tb) : 0;
  }
};

// Hands the picture on screen at each requested time to the sink, in one
// pass: a frame is kept until a later one shows that it was the last frame
// at or before the next requested time.
class FrameGrabber {
 public:
  FrameGrabber(const std::vector<double>& times, const FrameSink& sink, double tb)
      : sink_(sink), tb_(tb) {
    for (size_t i = 0; i < times.size(); ++i) {
      if (std::isfinite(times[i])) targets_.push_back({times[i], i});
    }
    std::ranges::sort(targets_, {}, &Target::t);
  }
  bool Done() const { return next_ >= targets_.size(); }
  // The next time still waiting for its picture (seconds from the origin).
  double NextTime() const {
    return Done() ? std::numeric_limits<double>::infinity() : targets_[next_].t;
  }

  // `origin`: the stream's first timestamp, so that times start at 0.
  Status Add(const AVFrame* f, int64_t origin) {
    if (Done() || f->best_effort_timestamp == AV_NOPTS_VALUE) return {};
    const double t = static_cast<double>(f->best_effort_timestamp - origin) * tb_;
    // A thousandth of a tick forgives rounding in t = n / fps.
    while (!Done() && t > targets_[next_].t + tb_ * 1e-3) {
      AIPROD_TRY(Emit(kept_ ? kept_.get() : f, kept_ ? kept_t_ : t));
    }
    if (Done()) return {};
    if (!kept_) kept_.reset(av_frame_alloc());
    if (!kept_) return Fail(ErrorCode::kInternal, "out of memory");
    av_frame_unref(kept_.get());
    if (av_frame_ref(kept_.get(), f) < 0) return Fail(ErrorCode::kInternal, "out of memory");
    kept_t_ = t;
    kept_end_ = t + static_cast<double>(std::max<int64_t>(f->pkt_duration, 1)) * tb_;
    converted_.reset();
    return {};
  }
  // At the end of the stream: times within the last frame get it.
  Status Finish() {
    while (!Done() && kept_ && targets_[next_].t < kept_end_) {
      AIPROD_TRY(Emit(kept_.get(), kept_t_));
    }
    return {};
  }

 private:
  struct Target {
    double t;
    size_t index;
  };
  Status Emit(const AVFrame* f, double shown_s) {
    const bool is_kept = kept_ && f == kept_.get();
    if (!is_kept || !converted_) {
      AIPROD_ASSIGN(RgbImage img, qa::FrameToRgb(f, sws_));
      if (!is_kept) {
        sink_(targets_[next_++].index, shown_s, img);
        return {};
      }
      converted_ = std::move(img);
    }
    sink_(targets_[next_++].index, shown_s, *converted_);
    return {};
  }

  const FrameSink& sink_;
  double tb_;
  std::vector<Target> targets_;
  size_t next_ = 0;
  av::FramePtr kept_;
  double kept_t_ = 0, kept_end_ = 0;
  std::optional<RgbImage> converted_;
  av::SwsPtr sws_;
};

void NoteError(ScanIntegrity& in, const std::string& what) {
  ++in.decode_errors;
  if (in.first_error.empty()) in.first_error = what;
}

}  // namespace

bool ScanIntegrity::Intact() const {
  return decode_errors == 0 && !read_error &&
         (indexed_video_frames == 0 || video_packets >= indexed_video_frames);
}

Result<MediaScan> ScanMedia(const std::string& path, const ScanOptions& options,
                            const FrameSink& on_frame, const AudioSink& on_audio) {
  if (!(options.rms_window_s > 0)) return Invalid("rms_window_s", "must be positive");
  AIPROD_ASSIGN(av::InputFormatPtr fmt, qa::OpenInput(path));
  MediaScan scan;
  MediaProbe& probe = scan.probe;
  ScanIntegrity& integrity = scan.integrity;
  probe.format = OrEmpty(fmt->iformat->name);
  probe.duration_s = fmt->duration != AV_NOPTS_VALUE ? fmt->duration / double(AV_TIME_BASE) : 0;
  AIPROD_ASSIGN(probe.top_level_boxes, qa::TopLevelBoxes(path));
  const auto& boxes = probe.top_level_boxes;
  auto moov = std::ranges::find(boxes, "moov"), mdat = std::ranges::find(boxes, "mdat");
  probe.faststart = moov != boxes.end() && mdat != boxes.end() && moov < mdat;

  Decoder video, audio;
  if (options.decode_video) {
    AIPROD_ASSIGN(video, qa::OpenDecoder(fmt.get(), AVMEDIA_TYPE_VIDEO));
  }
  if (options.decode_audio) {
    AIPROD_ASSIGN(audio, qa::OpenDecoder(fmt.get(), AVMEDIA_TYPE_AUDIO));
  }
  if (video.stream < 0 && audio.stream < 0) {
    return Invalid("path", path + " has no audio or video stream");
  }
  AVRational video_tb{1, 1};
  int64_t origin = 0;
  std::optional<qa::GopSkipper> skipper;
  if (video.stream >= 0) {
    const AVStream* st = fmt->streams[video.stream];
    probe.video = DescribeVideo(st);
    video_tb = st->time_base;
    origin = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
    integrity.indexed_video_frames = std::max<int64_t>(st->nb_frames, 0);
    if (options.reference_frames_only) video.ctx->skip_frame = AVDISCARD_NONREF;
    if (options.skip_unwatched && on_frame) skipper.emplace(fmt->streams[video.stream]);
  }
  std::optional<LevelMeter> meter;
  if (audio.stream >= 0) {
    probe.audio = DescribeAudio(fmt->streams[audio.stream], options.rms_window_s);
    meter.emplace(probe.audio->sample_rate, probe.audio->channels, options.rms_window_s);
  }

  FrameGrabber grabber(on_frame ? options.frame_times : std::vector<double>{}, on_frame,
                       av_q2d(video_tb));
  Span decoded, packets;
  std::vector<float> chunk;
  av::PacketPtr pkt(av_packet_alloc());
  av::FramePtr frame(av_frame_alloc());
  if (!pkt || !frame) return Fail(ErrorCode::kInternal, "out of memory");

  // The next requested time in stream ticks, for the skipper.
  auto next_target_ticks = [&]() -> int64_t {
    const double next = grabber.NextTime();
    return std::isfinite(next) ? origin + static_cast<int64_t>(std::floor(next / av_q2d(video_tb)))
                               : std::numeric_limits<int64_t>::max();
  };
  auto on_video = [&](const AVFrame* f) -> Status {
    ++integrity.decoded_video_frames;
    decoded.Add(f->best_effort_timestamp, f->pkt_duration);
    return grabber.Add(f, origin);
  };
  auto on_audio_frame = [&](const AVFrame* f) {
    probe.audio->samples += f->nb_samples;
    const int channels = f->ch_layout.nb_channels;
    chunk.resize(static_cast<size_t>(f->nb_samples) * channels);
    for (int i = 0; i < f->nb_samples; ++i) {
      for (int ch = 0; ch < channels; ++ch) {
        float s = SampleAt(f, ch, i);
        chunk[static_cast<size_t>(i) * channels + ch] = s;
        meter->Add(s);
      }
    }
    if (on_audio) on_audio(chunk, channels, f->sample_rate);
  };
  // Receives what `d` has ready; decoding errors are counted, not fatal.
  auto drain = [&](Decoder& d) -> Status {
    for (;;) {
      int err = avcodec_receive_frame(d.ctx.get(), frame.get());
      if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return {};
      if (err < 0) {
        NoteError(integrity, "decoding failed: " + av::ErrorText(err));
        return {};
      }
      Status st;
      if (&d == &video) {
        st = on_video(frame.get());
      } else {
        on_audio_frame(frame.get());
      }
      av_frame_unref(frame.get());
      AIPROD_TRY(st);
    }
  };

  for (;;) {
    int err = av_read_frame(fmt.get(), pkt.get());
    if (err == AVERROR_EOF) break;
    if (err < 0) {
      integrity.read_error = true;
      if (integrity.first_error.empty()) {
        integrity.first_error = "reading failed: " + av::ErrorText(err);
      }
      break;
    }
    Decoder* d = pkt->stream_index == video.stream   ? &video
                 : pkt->stream_index == audio.stream ? &audio
                                                     : nullptr;
    if (d == &video) {
      ++integrity.video_packets;
      packets.Add(pkt->pts, pkt->duration);
      if (skipper && skipper->Skip(pkt.get(), next_target_ticks())) {
        ++integrity.skipped_video_packets;
        d = nullptr;
      }
    }
    if (d != nullptr) {
      err = avcodec_send_packet(d->ctx.get(), pkt.get());
      if (err < 0 && err != AVERROR(EAGAIN)) {
        NoteError(integrity, "decoding failed: " + av::ErrorText(err));
      }
      av_packet_unref(pkt.get());
      AIPROD_TRY(drain(*d));
    } else {
      av_packet_unref(pkt.get());
    }
  }
  for (Decoder* d : {&video, &audio}) {
    if (d->stream < 0) continue;
    avcodec_send_packet(d->ctx.get(), nullptr);
    AIPROD_TRY(drain(*d));
  }
  AIPROD_TRY(grabber.Finish());

  if (probe.video) {
    const bool from_packets = options.reference_frames_only;
    probe.video->frames = from_packets ? integrity.video_packets : integrity.decoded_video_frames;
    probe.video->duration_s = (from_packets ? packets : decoded).Seconds(video_tb);
  }
  if (probe.audio) {
    meter->Finish(*probe.audio);
    if (probe.audio->sample_rate > 0) {
      probe.audio->duration_s =
          static_cast<double>(probe.audio->samples) / probe.audio->sample_rate;
    }
  }
  return scan;
}

}  // namespace aiprod
