#include "render/soundtrack.h"

#include <algorithm>
#include <cmath>

#include "media/av_handles.h"
#include "render/audio_mix.h"
#include "render/speech.h"

namespace aiprod {
namespace {

// An audio-only MP4 fed with mono samples, one encoder frame at a time.
class AacFile {
 public:
  Status Open(const std::string& path, int bitrate_kbps) {
    AIPROD_ASSIGN(fmt_, av::NewMp4Output(path));
    AIPROD_TRY(OpenEncoder(bitrate_kbps));
    AIPROD_TRY(av::StartOutput(fmt_.get(), path));
    pkt_.reset(av_packet_alloc());
    if (!pkt_) return Fail(ErrorCode::kInternal, "out of memory");
    return {};
  }

  int frame_size() const { return enc_->frame_size; }

  // Encodes samples.size() <= frame_size() samples.
  Status Write(std::span<const float> samples) {
    AVFrame* f = frame_.get();
    int err = av_frame_make_writable(f);
    if (err < 0) return av::AvFail("av_frame_make_writable", err);
    f->nb_samples = static_cast<int>(samples.size());
    auto* left = reinterpret_cast<float*>(f->data[0]);
    auto* right = reinterpret_cast<float*>(f->data[1]);
    for (size_t i = 0; i < samples.size(); ++i) {
      left[i] = right[i] = std::clamp(samples[i], -1.0f, 1.0f);
    }
    f->pts = samples_;
    samples_ += static_cast<int64_t>(samples.size());
    err = avcodec_send_frame(enc_.get(), f);
    if (err < 0) return av::AvFail("sending audio to the AAC encoder", err);
    return Drain();
  }

  Status Finish() {
    int err = avcodec_send_frame(enc_.get(), nullptr);
    if (err < 0) return av::AvFail("flushing the AAC encoder", err);
    AIPROD_TRY(Drain());
    return av::FinishOutput(fmt_.get(), "the soundtrack");
  }

 private:
  Status OpenEncoder(int bitrate_kbps) {
    const AVCodec* codec = avcodec_find_encoder_by_name("aac");
    if (codec == nullptr) return Fail(ErrorCode::kInternal, "FFmpeg has no AAC encoder");
    enc_.reset(avcodec_alloc_context3(codec));
    if (!enc_) return Fail(ErrorCode::kInternal, "out of memory");
    AVCodecContext* c = enc_.get();
    AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
    c->sample_fmt = AV_SAMPLE_FMT_FLTP;
    c->sample_rate = kAudioSampleRate;
    int err = av_channel_layout_copy(&c->ch_layout, &stereo);
    if (err < 0) return av::AvFail("av_channel_layout_copy", err);
    c->bit_rate = static_cast<int64_t>(bitrate_kbps) * 1000;
    c->profile = FF_PROFILE_AAC_LOW;
    c->time_base = {1, kAudioSampleRate};
    c->flags |= AV_CODEC_FLAG_BITEXACT | AV_CODEC_FLAG_GLOBAL_HEADER;
    err = avcodec_open2(c, codec, nullptr);
    if (err < 0) return av::AvFail("opening the AAC encoder", err);
    st_ = avformat_new_stream(fmt_.get(), nullptr);
    if (st_ == nullptr) return Fail(ErrorCode::kInternal, "avformat_new_stream failed");
    st_->time_base = c->time_base;
    err = avcodec_parameters_from_context(st_->codecpar, c);
    if (err < 0) return av::AvFail("avcodec_parameters_from_context", err);
    frame_.reset(av_frame_alloc());
    if (!frame_) return Fail(ErrorCode::kInternal, "out of memory");
    frame_->format = AV_SAMPLE_FMT_FLTP;
    frame_->sample_rate = kAudioSampleRate;
    frame_->nb_samples = c->frame_size;
    err = av_channel_layout_copy(&frame_->ch_layout, &stereo);
    if (err >= 0) err = av_frame_get_buffer(frame_.get(), 0);
    if (err < 0) return av::AvFail("allocating an audio frame", err);
    return {};
  }

  Status Drain() {
    for (;;) {
      int err = avcodec_receive_packet(enc_.get(), pkt_.get());
      if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return {};
      if (err < 0) return av::AvFail("encoding audio", err);
      pkt_->stream_index = st_->index;
      av_packet_rescale_ts(pkt_.get(), enc_->time_base, st_->time_base);
      err = av_write_frame(fmt_.get(), pkt_.get());
      if (err < 0) return Fail(ErrorCode::kIo, "writing the soundtrack: " + av::ErrorText(err));
    }
  }

  av::OutputFormatPtr fmt_;
  av::CodecContextPtr enc_;
  AVStream* st_ = nullptr;  // owned by fmt_
  av::PacketPtr pkt_;
  av::FramePtr frame_;
  int64_t samples_ = 0;
};

}  // namespace

Status EncodeSoundtrack(std::vector<float>& mono, const SoundtrackOptions& options,
                        const std::string& path, const std::function<bool()>& stopped) {
  if (options.target_lufs) {
    AIPROD_TRY(NormalizeLoudness(mono, *options.target_lufs, options.ceiling_dbtp, stopped));
  }
  AacFile file;
  AIPROD_TRY(file.Open(path, options.bitrate_kbps));
  const auto step = static_cast<size_t>(file.frame_size());
  for (size_t done = 0; done < mono.size(); done += step) {
    // A few checks per second of audio: cheap next to the encoder.
    if (stopped && done % (64 * step) == 0 && stopped()) {
      return Fail(ErrorCode::kCancelled, "render cancelled");
    }
    AIPROD_TRY(file.Write(std::span(mono).subspan(done, std::min(step, mono.size() - done))));
  }
  return file.Finish();
}

bool SoundtrackLooksValid(const std::string& path, int64_t samples) {
  AVFormatContext* raw = nullptr;
  if (avformat_open_input(&raw, path.c_str(), nullptr, nullptr) < 0) return false;
  av::InputFormatPtr in(raw);
  if (in->nb_streams != 1) return false;
  const AVStream* st = in->streams[0];
  return st->codecpar->codec_id == AV_CODEC_ID_AAC &&
         st->codecpar->sample_rate == kAudioSampleRate && st->codecpar->extradata_size > 0 &&
         av_rescale_q(st->duration, st->time_base, {1, kAudioSampleRate}) == samples;
}

}  // namespace aiprod
