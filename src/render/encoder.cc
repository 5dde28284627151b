#include "render/encoder.h"

extern "C" {
#include <libavutil/opt.h>
}

#include <algorithm>

namespace aiprod {
namespace {

Status SetOpt(void* obj, const char* key, const std::string& value) {
  int err = av_opt_set(obj, key, value.c_str(), 0);
  if (err < 0) return av::AvFail(std::string("setting encoder option ") + key, err);
  return {};
}

Result<av::CodecContextPtr> OpenX264(const EncoderOptions& o) {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (codec == nullptr) return Fail(ErrorCode::kInternal, "FFmpeg was built without libx264");
  av::CodecContextPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) return Fail(ErrorCode::kInternal, "out of memory");
  AVCodecContext* c = ctx.get();
  c->width = o.width;
  c->height = o.height;
  c->pix_fmt = AV_PIX_FMT_YUV420P;
  c->time_base = {1, o.fps};
  c->framerate = {o.fps, 1};
  c->sample_aspect_ratio = {1, 1};
  c->color_range = AVCOL_RANGE_MPEG;
  c->color_primaries = AVCOL_PRI_BT709;
  c->color_trc = AVCOL_TRC_BT709;
  c->colorspace = AVCOL_SPC_BT709;
  c->thread_count = std::max(1, o.threads);
  c->flags |= AV_CODEC_FLAG_BITEXACT | AV_CODEC_FLAG_GLOBAL_HEADER;
  AIPROD_TRY(SetOpt(c->priv_data, "preset", o.x264_preset));
  AIPROD_TRY(SetOpt(c->priv_data, "crf", std::to_string(o.crf)));
  AIPROD_TRY(SetOpt(c->priv_data, "profile", "high"));
  // ultrafast turns the 8x8 transform off, which drops to Baseline; keep High.
  // Sliced threads: x264's threads share each frame instead of each taking a
  // frame, so an encoder holds about as much with two threads as with one
  // (1080p veryfast: 159 MB against 180 MB with frame threads and the
  // lookahead in the calling thread), a segment's end does not wait for the
  // frame threads to drain, and the bits depend on the thread count only (as
  // before; it is in the segment key). docs/BENCHMARKS.md, "Renderer".
  AIPROD_TRY(SetOpt(c->priv_data, "x264-params", "8x8dct=1:sliced-threads=1"));
  int err = avcodec_open2(c, codec, nullptr);
  if (err < 0) return av::AvFail("opening libx264", err);
  return ctx;
}

}  // namespace

Result<std::unique_ptr<SegmentWriter>> SegmentWriter::Open(const std::string& path,
                                                           const EncoderOptions& o) {
  auto w = std::make_unique<SegmentWriter>(Passkey{});
  AIPROD_ASSIGN(w->fmt_, av::NewMp4Output(path));
  AIPROD_ASSIGN(w->video_, OpenX264(o));
  w->st_ = avformat_new_stream(w->fmt_.get(), nullptr);
  if (w->st_ == nullptr) return Fail(ErrorCode::kInternal, "avformat_new_stream failed");
  w->st_->time_base = w->video_->time_base;
  w->st_->avg_frame_rate = w->video_->framerate;
  w->st_->r_frame_rate = w->video_->framerate;
  int err = avcodec_parameters_from_context(w->st_->codecpar, w->video_.get());
  if (err < 0) return av::AvFail("avcodec_parameters_from_context", err);
  AIPROD_TRY(av::StartOutput(w->fmt_.get(), path));
  w->pkt_.reset(av_packet_alloc());
  if (!w->pkt_) return Fail(ErrorCode::kInternal, "out of memory");
  return w;
}

Result<av::FramePtr> NewYuvFrame(int width, int height) {
  av::FramePtr f(av_frame_alloc());
  if (!f) return Fail(ErrorCode::kInternal, "out of memory");
  f->format = AV_PIX_FMT_YUV420P;
  f->width = width;
  f->height = height;
  f->color_range = AVCOL_RANGE_MPEG;
  f->color_primaries = AVCOL_PRI_BT709;
  f->color_trc = AVCOL_TRC_BT709;
  f->colorspace = AVCOL_SPC_BT709;
  int err = av_frame_get_buffer(f.get(), 0);
  if (err < 0) return av::AvFail("allocating a video frame", err);
  return f;
}

Status SegmentWriter::Drain() {
  for (;;) {
    int err = avcodec_receive_packet(video_.get(), pkt_.get());
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return {};
    if (err < 0) return av::AvFail("encoding", err);
    pkt_->stream_index = st_->index;
    pkt_->duration = 1;  // constant frame rate, exactly
    av_packet_rescale_ts(pkt_.get(), video_->time_base, st_->time_base);
    err = av_write_frame(fmt_.get(), pkt_.get());
    if (err < 0) return Fail(ErrorCode::kIo, "writing a segment: " + av::ErrorText(err));
  }
}

Status SegmentWriter::WriteVideo(AVFrame* frame) {
  frame->pts = frames_++;
  int err = avcodec_send_frame(video_.get(), frame);
  if (err < 0) return av::AvFail("sending a frame to libx264", err);
  return Drain();
}

Status SegmentWriter::Finish() {
  if (finished_) return Fail(ErrorCode::kInternal, "SegmentWriter::Finish called twice");
  finished_ = true;
  int err = avcodec_send_frame(video_.get(), nullptr);
  if (err < 0) return av::AvFail("flushing libx264", err);
  AIPROD_TRY(Drain());
  return av::FinishOutput(fmt_.get(), "a segment");
}

}  // namespace aiprod
