#include "render/mp4_writer.h"

#include <algorithm>

#include "render/speech.h"

namespace aiprod {

Result<std::unique_ptr<Mp4Writer>> Mp4Writer::Open(const std::string& path,
                                                   const AVCodecParameters& video, int fps,
                                                   int audio_bitrate_kbps) {
  auto w = std::make_unique<Mp4Writer>(Passkey{});
  AVFormatContext* raw = nullptr;
  int err = avformat_alloc_output_context2(&raw, nullptr, "mp4", path.c_str());
  if (err < 0 || raw == nullptr) return av::AvFail("avformat_alloc_output_context2", err);
  w->fmt_.reset(raw);
  w->fmt_->flags |= AVFMT_FLAG_BITEXACT;
  w->frame_tb_ = {1, fps};
  w->video_st_ = avformat_new_stream(w->fmt_.get(), nullptr);
  if (w->video_st_ == nullptr) return Fail(ErrorCode::kInternal, "avformat_new_stream failed");
  err = avcodec_parameters_copy(w->video_st_->codecpar, &video);
  if (err < 0) return av::AvFail("avcodec_parameters_copy", err);
  w->video_st_->codecpar->codec_tag = 0;
  w->video_st_->time_base = w->frame_tb_;
  w->video_st_->avg_frame_rate = {fps, 1};
  w->video_st_->r_frame_rate = {fps, 1};
  AIPROD_TRY(w->OpenAudio(audio_bitrate_kbps));
  err = avio_open(&w->fmt_->pb, path.c_str(), AVIO_FLAG_WRITE);
  if (err < 0) return Fail(ErrorCode::kIo, "cannot create " + path + ": " + av::ErrorText(err));
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "movflags", "+faststart", 0);
  err = avformat_write_header(w->fmt_.get(), &opts);
  av_dict_free(&opts);
  if (err < 0) return av::AvFail("avformat_write_header", err);
  w->pkt_.reset(av_packet_alloc());
  if (!w->pkt_) return Fail(ErrorCode::kInternal, "out of memory");
  return w;
}

Status Mp4Writer::OpenAudio(int bitrate_kbps) {
  const AVCodec* codec = avcodec_find_encoder_by_name("aac");
  if (codec == nullptr) return Fail(ErrorCode::kInternal, "FFmpeg has no AAC encoder");
  audio_.reset(avcodec_alloc_context3(codec));
  if (!audio_) return Fail(ErrorCode::kInternal, "out of memory");
  AVCodecContext* c = audio_.get();
  AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
  c->sample_fmt = AV_SAMPLE_FMT_FLTP;
  c->sample_rate = kAudioSampleRate;
  int err = av_channel_layout_copy(&c->ch_layout, &stereo);
  if (err < 0) return av::AvFail("av_channel_layout_copy", err);
  c->bit_rate = static_cast<int64_t>(bitrate_kbps) * 1000;
  c->profile = FF_PROFILE_AAC_LOW;
  c->time_base = {1, kAudioSampleRate};
  c->flags |= AV_CODEC_FLAG_BITEXACT;
  if (fmt_->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  err = avcodec_open2(c, codec, nullptr);
  if (err < 0) return av::AvFail("opening the AAC encoder", err);
  audio_st_ = avformat_new_stream(fmt_.get(), nullptr);
  if (audio_st_ == nullptr) return Fail(ErrorCode::kInternal, "avformat_new_stream failed");
  audio_st_->time_base = c->time_base;
  err = avcodec_parameters_from_context(audio_st_->codecpar, c);
  if (err < 0) return av::AvFail("avcodec_parameters_from_context", err);

  audio_frame_.reset(av_frame_alloc());
  if (!audio_frame_) return Fail(ErrorCode::kInternal, "out of memory");
  audio_frame_->format = AV_SAMPLE_FMT_FLTP;
  audio_frame_->sample_rate = kAudioSampleRate;
  audio_frame_->nb_samples = c->frame_size;
  err = av_channel_layout_copy(&audio_frame_->ch_layout, &stereo);
  if (err >= 0) err = av_frame_get_buffer(audio_frame_.get(), 0);
  if (err < 0) return av::AvFail("allocating an audio frame", err);
  return {};
}

Status Mp4Writer::WriteVideoPacket(AVPacket* pkt) {
  pkt->stream_index = video_st_->index;
  pkt->duration = 1;
  av_packet_rescale_ts(pkt, frame_tb_, video_st_->time_base);
  int err = av_interleaved_write_frame(fmt_.get(), pkt);
  if (err < 0) return Fail(ErrorCode::kIo, "writing the video file: " + av::ErrorText(err));
  return {};
}

Status Mp4Writer::DrainAudio() {
  for (;;) {
    int err = avcodec_receive_packet(audio_.get(), pkt_.get());
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return {};
    if (err < 0) return av::AvFail("encoding audio", err);
    pkt_->stream_index = audio_st_->index;
    av_packet_rescale_ts(pkt_.get(), audio_->time_base, audio_st_->time_base);
    err = av_interleaved_write_frame(fmt_.get(), pkt_.get());
    if (err < 0) return Fail(ErrorCode::kIo, "writing the video file: " + av::ErrorText(err));
  }
}

Status Mp4Writer::SendAudioFrame(int samples) {
  AVFrame* f = audio_frame_.get();
  int err = av_frame_make_writable(f);
  if (err < 0) return av::AvFail("av_frame_make_writable", err);
  f->nb_samples = samples;
  auto* left = reinterpret_cast<float*>(f->data[0]);
  auto* right = reinterpret_cast<float*>(f->data[1]);
  for (int i = 0; i < samples; ++i) left[i] = right[i] = std::clamp(pending_[i], -1.0f, 1.0f);
  f->pts = audio_samples_;
  audio_samples_ += samples;
  pending_.erase(pending_.begin(), pending_.begin() + samples);
  err = avcodec_send_frame(audio_.get(), f);
  if (err < 0) return av::AvFail("sending audio to the AAC encoder", err);
  return DrainAudio();
}

Status Mp4Writer::WriteAudio(std::span<const float> mono) {
  pending_.insert(pending_.end(), mono.begin(), mono.end());
  const auto frame = static_cast<size_t>(audio_->frame_size);
  while (pending_.size() >= frame) AIPROD_TRY(SendAudioFrame(audio_->frame_size));
  return {};
}

Status Mp4Writer::Finish() {
  if (finished_) return Fail(ErrorCode::kInternal, "Mp4Writer::Finish called twice");
  finished_ = true;
  if (!pending_.empty()) AIPROD_TRY(SendAudioFrame(static_cast<int>(pending_.size())));
  int err = avcodec_send_frame(audio_.get(), nullptr);
  if (err < 0) return av::AvFail("flushing the AAC encoder", err);
  AIPROD_TRY(DrainAudio());
  return av::FinishOutput(fmt_.get(), "the video file");
}

}  // namespace aiprod
