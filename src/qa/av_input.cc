#include "qa/av_input.h"

#include <algorithm>
#include <filesystem>

namespace aiprod::qa {

Result<av::InputFormatPtr> OpenInput(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Fail(ErrorCode::kNotFound, "no such file: " + path);
  }
  AVFormatContext* raw = nullptr;
  int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (err < 0) return Invalid("path", "cannot open " + path + " as media: " + av::ErrorText(err));
  av::InputFormatPtr fmt(raw);
  err = avformat_find_stream_info(fmt.get(), nullptr);
  if (err < 0)
    return Invalid("path", "cannot read the streams of " + path + ": " + av::ErrorText(err));
  return fmt;
}

Result<Decoder> OpenDecoder(AVFormatContext* fmt, AVMediaType type) {
  Decoder d;
  const AVCodec* codec = nullptr;
  int index = av_find_best_stream(fmt, type, -1, -1, &codec, 0);
  if (index == AVERROR_STREAM_NOT_FOUND) return d;
  if (index < 0 || codec == nullptr) {
    return Invalid("path",
                   std::string("no decoder for the ") + av_get_media_type_string(type) + " stream");
  }
  d.ctx.reset(avcodec_alloc_context3(codec));
  if (!d.ctx) return Fail(ErrorCode::kInternal, "out of memory");
  int err = avcodec_parameters_to_context(d.ctx.get(), fmt->streams[index]->codecpar);
  if (err < 0)
    return Fail(ErrorCode::kInternal, "avcodec_parameters_to_context: " + av::ErrorText(err));
  d.ctx->pkt_timebase = fmt->streams[index]->time_base;
  d.ctx->thread_count = 0;  // decoding speed only; output does not depend on it
  err = avcodec_open2(d.ctx.get(), codec, nullptr);
  if (err < 0) return Invalid("path", "cannot open the decoder: " + av::ErrorText(err));
  d.stream = index;
  return d;
}

namespace {

// Receives every frame the decoder has ready; false when the callback stopped.
Result<bool> Receive(size_t i, Decoder& d, AVFrame* frame,
                     const std::function<bool(size_t, const AVFrame*)>& on_frame) {
  for (;;) {
    int err = avcodec_receive_frame(d.ctx.get(), frame);
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return true;
    if (err < 0) return Invalid("path", "decoding failed: " + av::ErrorText(err));
    bool go_on = on_frame(i, frame);
    av_frame_unref(frame);
    if (!go_on) return false;
  }
}

}  // namespace

Status DecodeStreams(AVFormatContext* fmt, std::span<Decoder* const> decoders,
                     const std::function<bool(size_t, const AVFrame*)>& on_frame) {
  av::PacketPtr pkt(av_packet_alloc());
  av::FramePtr frame(av_frame_alloc());
  if (!pkt || !frame) return Fail(ErrorCode::kInternal, "out of memory");
  for (;;) {
    int err = av_read_frame(fmt, pkt.get());
    if (err == AVERROR_EOF) break;
    if (err < 0) return Invalid("path", "reading failed: " + av::ErrorText(err));
    for (size_t i = 0; i < decoders.size(); ++i) {
      Decoder& d = *decoders[i];
      if (d.stream != pkt->stream_index) continue;
      err = avcodec_send_packet(d.ctx.get(), pkt.get());
      if (err < 0 && err != AVERROR(EAGAIN)) {
        av_packet_unref(pkt.get());
        return Invalid("path", "decoding failed: " + av::ErrorText(err));
      }
      auto more = Receive(i, d, frame.get(), on_frame);
      if (!more || !*more) {
        av_packet_unref(pkt.get());
        if (!more) return Unexpected(more.error());
        return {};
      }
    }
    av_packet_unref(pkt.get());
  }
  for (size_t i = 0; i < decoders.size(); ++i) {
    Decoder& d = *decoders[i];
    if (d.stream < 0) continue;
    avcodec_send_packet(d.ctx.get(), nullptr);
    AIPROD_ASSIGN(bool more, Receive(i, d, frame.get(), on_frame));
    if (!more) return {};
  }
  return {};
}

Result<RgbImage> FrameToRgb(const AVFrame* f, av::SwsPtr& cache) {
  const auto src = static_cast<AVPixelFormat>(f->format);
  SwsContext* ctx = sws_getCachedContext(
      cache.release(), f->width, f->height, src, f->width, f->height, AV_PIX_FMT_RGB24,
      SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, nullptr, nullptr, nullptr);
  cache.reset(ctx);
  if (!ctx) return Fail(ErrorCode::kInternal, "cannot convert this pixel format to RGB");
  const int matrix = f->colorspace == AVCOL_SPC_UNSPECIFIED ? SWS_CS_DEFAULT : f->colorspace;
  const int full_range = f->color_range == AVCOL_RANGE_JPEG ? 1 : 0;
  sws_setColorspaceDetails(ctx, sws_getCoefficients(matrix), full_range,
                           sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
  RgbImage img;
  img.width = f->width;
  img.height = f->height;
  img.pixels.resize(static_cast<size_t>(img.width) * img.height * 3);
  uint8_t* dst[4] = {img.pixels.data(), nullptr, nullptr, nullptr};
  int dst_stride[4] = {img.width * 3, 0, 0, 0};
  sws_scale(ctx, f->data, f->linesize, 0, f->height, dst, dst_stride);
  const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(src);
  if (d != nullptr && !(d->flags & AV_PIX_FMT_FLAG_RGB) && d->nb_components >= 3 &&
      d->comp[0].depth == 8 && d->comp[0].step == 1 && d->comp[0].plane == 0) {
    img.luma.resize(static_cast<size_t>(img.width) * img.height);
    for (int y = 0; y < img.height; ++y) {
      const uint8_t* row = f->data[0] + static_cast<ptrdiff_t>(y) * f->linesize[0];
      uint8_t* out = img.luma.data() + static_cast<size_t>(y) * img.width;
      for (int x = 0; x < img.width; ++x) {
        const int v = full_range ? row[x] : ((row[x] - 16) * 255 + 109) / 219;
        out[x] = static_cast<uint8_t>(std::clamp(v, 0, 255));
      }
    }
  }
  return img;
}

}  // namespace aiprod::qa
