#include "render/mp4_writer.h"

namespace aiprod {
namespace {

Result<AVStream*> CopyStream(AVFormatContext* fmt, const AVCodecParameters& params,
                             AVRational time_base) {
  AVStream* st = avformat_new_stream(fmt, nullptr);
  if (st == nullptr) return Fail(ErrorCode::kInternal, "avformat_new_stream failed");
  int err = avcodec_parameters_copy(st->codecpar, &params);
  if (err < 0) return av::AvFail("avcodec_parameters_copy", err);
  st->codecpar->codec_tag = 0;
  st->time_base = time_base;
  return st;
}

}  // namespace

Result<std::unique_ptr<Mp4Writer>> Mp4Writer::Open(const std::string& path,
                                                   const AVCodecParameters& video, int fps,
                                                   const AVCodecParameters& audio,
                                                   AVRational audio_tb) {
  auto w = std::make_unique<Mp4Writer>(Passkey{});
  AIPROD_ASSIGN(w->fmt_, av::NewMp4Output(path));
  w->frame_tb_ = {1, fps};
  w->audio_tb_ = audio_tb;
  AIPROD_ASSIGN(w->video_st_, CopyStream(w->fmt_.get(), video, w->frame_tb_));
  w->video_st_->avg_frame_rate = {fps, 1};
  w->video_st_->r_frame_rate = {fps, 1};
  AIPROD_ASSIGN(w->audio_st_, CopyStream(w->fmt_.get(), audio, audio_tb));
  AIPROD_TRY(av::StartOutput(w->fmt_.get(), path, "+faststart"));
  return w;
}

Status Mp4Writer::Write(AVPacket* pkt, AVRational from, const AVStream* st) {
  pkt->stream_index = st->index;
  pkt->pos = -1;
  av_packet_rescale_ts(pkt, from, st->time_base);
  int err = av_interleaved_write_frame(fmt_.get(), pkt);
  if (err < 0) return Fail(ErrorCode::kIo, "writing the video file: " + av::ErrorText(err));
  return {};
}

Status Mp4Writer::WriteVideoPacket(AVPacket* pkt) {
  pkt->duration = 1;
  return Write(pkt, frame_tb_, video_st_);
}

Status Mp4Writer::WriteAudioPacket(AVPacket* pkt) { return Write(pkt, audio_tb_, audio_st_); }

Status Mp4Writer::Finish() {
  if (finished_) return Fail(ErrorCode::kInternal, "Mp4Writer::Finish called twice");
  finished_ = true;
  return av::FinishOutput(fmt_.get(), "the video file");
}

}  // namespace aiprod
