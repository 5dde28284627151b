#include "qa/probe.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "qa/av_input.h"
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
      : channels_(channels), window_len_(std::max<int64_t>(1, std::llround(window_s * rate))) {}

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

}  // namespace

double AudioProbe::RmsDbfsBetween(double from_s, double to_s) const {
  double sum = 0;
  size_t n = 0;
  for (size_t i = 0; i < window_rms_dbfs.size(); ++i) {
    double start = static_cast<double>(i) * window_s;
    if (start + 1e-9 < from_s || start + window_s > to_s + 1e-9) continue;
    double rms = std::isfinite(window_rms_dbfs[i]) ? std::pow(10.0, window_rms_dbfs[i] / 20) : 0;
    sum += rms * rms;
    ++n;
  }
  return n > 0 ? Dbfs(std::sqrt(sum / static_cast<double>(n)))
               : -std::numeric_limits<double>::infinity();
}

Result<MediaProbe> ProbeMedia(const std::string& path, const ProbeOptions& options) {
  if (!(options.rms_window_s > 0)) return Invalid("rms_window_s", "must be positive");
  AIPROD_ASSIGN(qa::InputPtr fmt, qa::OpenInput(path));
  MediaProbe probe;
  probe.format = OrEmpty(fmt->iformat->name);
  probe.duration_s = fmt->duration != AV_NOPTS_VALUE ? fmt->duration / double(AV_TIME_BASE) : 0;
  AIPROD_ASSIGN(probe.top_level_boxes, qa::TopLevelBoxes(path));
  const auto& boxes = probe.top_level_boxes;
  auto moov = std::ranges::find(boxes, "moov"), mdat = std::ranges::find(boxes, "mdat");
  probe.faststart = moov != boxes.end() && mdat != boxes.end() && moov < mdat;

  AIPROD_ASSIGN(Decoder video, qa::OpenDecoder(fmt.get(), AVMEDIA_TYPE_VIDEO));
  AIPROD_ASSIGN(Decoder audio, qa::OpenDecoder(fmt.get(), AVMEDIA_TYPE_AUDIO));
  if (video.stream >= 0) probe.video = DescribeVideo(fmt->streams[video.stream]);
  if (audio.stream >= 0)
    probe.audio = DescribeAudio(fmt->streams[audio.stream], options.rms_window_s);

  int64_t first_pts = std::numeric_limits<int64_t>::max(),
          end_pts = std::numeric_limits<int64_t>::min();
  std::optional<LevelMeter> meter;
  if (probe.audio)
    meter.emplace(probe.audio->sample_rate, probe.audio->channels, options.rms_window_s);
  Decoder* decoders[] = {&video, &audio};
  AIPROD_TRY(qa::DecodeStreams(fmt.get(), decoders, [&](size_t which, const AVFrame* f) {
    if (which == 0) {
      ++probe.video->frames;
      int64_t pts = f->best_effort_timestamp;
      if (pts != AV_NOPTS_VALUE) {
        first_pts = std::min(first_pts, pts);
        end_pts = std::max(end_pts, pts + std::max<int64_t>(f->pkt_duration, 0));
      }
    } else {
      probe.audio->samples += f->nb_samples;
      const int channels = f->ch_layout.nb_channels;
      for (int i = 0; i < f->nb_samples; ++i) {
        for (int ch = 0; ch < channels; ++ch) meter->Add(SampleAt(f, ch, i));
      }
    }
    return true;
  }));
  if (probe.video && end_pts > first_pts) {
    probe.video->duration_s =
        static_cast<double>(end_pts - first_pts) * av_q2d(fmt->streams[video.stream]->time_base);
  }
  if (probe.audio) {
    meter->Finish(*probe.audio);
    if (probe.audio->sample_rate > 0) {
      probe.audio->duration_s =
          static_cast<double>(probe.audio->samples) / probe.audio->sample_rate;
    }
  }
  return probe;
}

Result<DecodedAudio> DecodeAudio(const std::string& path) {
  AIPROD_ASSIGN(qa::InputPtr fmt, qa::OpenInput(path));
  AIPROD_ASSIGN(Decoder audio, qa::OpenDecoder(fmt.get(), AVMEDIA_TYPE_AUDIO));
  if (audio.stream < 0) return Invalid("path", path + " has no audio stream");
  DecodedAudio out;
  out.sample_rate = audio.ctx->sample_rate;
  out.channels = audio.ctx->ch_layout.nb_channels;
  Decoder* decoders[] = {&audio};
  AIPROD_TRY(qa::DecodeStreams(fmt.get(), decoders, [&](size_t, const AVFrame* f) {
    const int channels = f->ch_layout.nb_channels;
    for (int i = 0; i < f->nb_samples; ++i) {
      for (int ch = 0; ch < channels; ++ch) out.interleaved.push_back(SampleAt(f, ch, i));
    }
    return true;
  }));
  return out;
}

}  // namespace aiprod
