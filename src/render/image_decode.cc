#include "render/image_decode.h"

extern "C" {
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <algorithm>

#include "media/av_handles.h"
#include "render/cairo_handles.h"

namespace aiprod {
namespace {

constexpr int kMaxSide = 16384;

bool StillCodec(AVCodecID id) {
  switch (id) {
    case AV_CODEC_ID_PNG:
    case AV_CODEC_ID_MJPEG:
    case AV_CODEC_ID_WEBP:
    case AV_CODEC_ID_BMP:
    case AV_CODEC_ID_TIFF:
      return true;
    default:
      return false;
  }
}

struct Opened {
  av::InputFormatPtr fmt;
  int stream = -1;
};

Result<Opened> OpenPicture(const std::string& path, const std::string& field) {
  AVFormatContext* raw = nullptr;
  if (avformat_open_input(&raw, path.c_str(), nullptr, nullptr) < 0) {
    return Invalid(field, "is not a readable picture (PNG, JPEG or WebP)");
  }
  Opened o;
  o.fmt.reset(raw);
  if (avformat_find_stream_info(o.fmt.get(), nullptr) < 0) {
    return Invalid(field, "is not a readable picture (PNG, JPEG or WebP)");
  }
  o.stream = av_find_best_stream(o.fmt.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (o.stream < 0 || !StillCodec(o.fmt->streams[o.stream]->codecpar->codec_id)) {
    return Invalid(field, "is not a PNG, JPEG or WebP picture");
  }
  const AVCodecParameters* p = o.fmt->streams[o.stream]->codecpar;
  if (p->width <= 0 || p->height <= 0) return Invalid(field, "has no picture size");
  if (p->width > kMaxSide || p->height > kMaxSide) {
    return Invalid(field, "is too large (" + std::to_string(p->width) + "x" +
                              std::to_string(p->height) + "; at most 16384 px a side)");
  }
  return o;
}

Result<av::FramePtr> DecodeFirstFrame(Opened& o, const std::string& field) {
  const AVCodecParameters* par = o.fmt->streams[o.stream]->codecpar;
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (codec == nullptr) return Invalid(field, "uses a picture format FFmpeg cannot decode");
  av::CodecContextPtr dec(avcodec_alloc_context3(codec));
  if (!dec) return Fail(ErrorCode::kInternal, "out of memory");
  if (avcodec_parameters_to_context(dec.get(), par) < 0) {
    return Fail(ErrorCode::kInternal, "avcodec_parameters_to_context failed");
  }
  dec->thread_count = 1;
  if (avcodec_open2(dec.get(), codec, nullptr) < 0) return Invalid(field, "cannot be decoded");
  av::PacketPtr pkt(av_packet_alloc());
  av::FramePtr frame(av_frame_alloc());
  if (!pkt || !frame) return Fail(ErrorCode::kInternal, "out of memory");
  bool flushed = false;
  for (;;) {
    int err = avcodec_receive_frame(dec.get(), frame.get());
    if (err == 0) return frame;
    if (err != AVERROR(EAGAIN) || flushed) break;
    err = av_read_frame(o.fmt.get(), pkt.get());
    if (err < 0) {
      avcodec_send_packet(dec.get(), nullptr);
      flushed = true;
      continue;
    }
    if (pkt->stream_index == o.stream) err = avcodec_send_packet(dec.get(), pkt.get());
    av_packet_unref(pkt.get());
    if (err < 0 && err != AVERROR(EAGAIN)) break;
  }
  return Invalid(field, "is corrupt: no picture could be decoded");
}

// The decoded frame as premultiplied ARGB32 at its own size.
Result<ArgbImage> ToArgb(const AVFrame& f, const std::string& field) {
  ArgbImage img;
  img.width = f.width;
  img.height = f.height;
  img.stride = f.width * 4;
  img.pixels.resize(static_cast<size_t>(f.width) * f.height);
  SwsContext* sws = sws_getContext(
      f.width, f.height, static_cast<AVPixelFormat>(f.format), f.width, f.height, AV_PIX_FMT_BGRA,
      SWS_POINT | SWS_ACCURATE_RND | SWS_BITEXACT, nullptr, nullptr, nullptr);
  if (sws == nullptr) return Invalid(field, "has a pixel format that cannot be converted");
  uint8_t* dst[4] = {reinterpret_cast<uint8_t*>(img.pixels.data()), nullptr, nullptr, nullptr};
  int dst_stride[4] = {img.stride, 0, 0, 0};
  sws_scale(sws, f.data, f.linesize, 0, f.height, dst, dst_stride);
  sws_freeContext(sws);
  const bool has_alpha = (av_pix_fmt_desc_get(static_cast<AVPixelFormat>(f.format))->flags &
                          AV_PIX_FMT_FLAG_ALPHA) != 0;
  for (uint32_t& p : img.pixels) {
    if (!has_alpha) {
      p |= 0xff000000u;
      continue;
    }
    const uint32_t a = p >> 24;
    auto mul = [a](uint32_t c) { return (c * a + 127) / 255; };
    p = (a << 24) | (mul((p >> 16) & 0xff) << 16) | (mul((p >> 8) & 0xff) << 8) | mul(p & 0xff);
  }
  return img;
}

ArgbImage Scale(const ArgbImage& src, int width, int height) {
  ArgbImage out;
  out.width = width;
  out.height = height;
  out.stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, width);
  out.pixels.assign(static_cast<size_t>(out.stride / 4) * height, 0);
  gfx::SurfacePtr s(cairo_image_surface_create_for_data(
      reinterpret_cast<unsigned char*>(const_cast<uint32_t*>(src.pixels.data())),
      CAIRO_FORMAT_ARGB32, src.width, src.height, src.stride));
  gfx::SurfacePtr d(
      cairo_image_surface_create_for_data(reinterpret_cast<unsigned char*>(out.pixels.data()),
                                          CAIRO_FORMAT_ARGB32, width, height, out.stride));
  gfx::CairoPtr cr(cairo_create(d.get()));
  cairo_scale(cr.get(), static_cast<double>(width) / src.width,
              static_cast<double>(height) / src.height);
  cairo_set_source_surface(cr.get(), s.get(), 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr.get()), CAIRO_FILTER_GOOD);
  cairo_pattern_set_extend(cairo_get_source(cr.get()), CAIRO_EXTEND_PAD);
  cairo_set_operator(cr.get(), CAIRO_OPERATOR_SOURCE);
  cairo_paint(cr.get());
  cairo_surface_flush(d.get());
  return out;
}

}  // namespace

Result<ImageInfo> ProbeImage(const std::string& path, const std::string& field,
                             int64_t max_pixels) {
  AIPROD_ASSIGN(Opened o, OpenPicture(path, field));
  const AVCodecParameters* p = o.fmt->streams[o.stream]->codecpar;
  if (static_cast<int64_t>(p->width) * p->height > max_pixels) {
    return Invalid(field, "is too large (" + std::to_string(p->width) + "x" +
                              std::to_string(p->height) + "; at most " +
                              std::to_string(max_pixels / 1'000'000) +
                              " megapixels, render.max_image_megapixels)");
  }
  return ImageInfo{p->width, p->height};
}

Result<ArgbImage> DecodeImage(const std::string& path, const std::string& field, int width,
                              int height) {
  if (width <= 0 || height <= 0 || width > kMaxSide || height > kMaxSide) {
    return Fail(ErrorCode::kInternal, "bad picture target size");
  }
  AIPROD_ASSIGN(Opened o, OpenPicture(path, field));
  AIPROD_ASSIGN(av::FramePtr frame, DecodeFirstFrame(o, field));
  AIPROD_ASSIGN(ArgbImage native, ToArgb(*frame, field));
  frame.reset();
  if (native.width == width && native.height == height) return native;
  return Scale(native, width, height);
}

}  // namespace aiprod
