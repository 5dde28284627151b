#include "render/poster.h"

extern "C" {
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cmath>

#include "media/av_handles.h"
#include "render/frame_pipeline.h"
#include "render/scene_cache.h"

namespace aiprod {
namespace {

Result<std::string> Encode(const Yuv420Image& img, const std::string& format) {
  const bool png = format == "png";
  const AVCodec* codec = avcodec_find_encoder(png ? AV_CODEC_ID_PNG : AV_CODEC_ID_MJPEG);
  if (codec == nullptr) return Fail(ErrorCode::kInternal, "FFmpeg has no " + format + " encoder");
  av::CodecContextPtr c(avcodec_alloc_context3(codec));
  if (!c) return Fail(ErrorCode::kInternal, "out of memory");
  const AVPixelFormat pix = png ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_YUVJ420P;
  c->width = img.width();
  c->height = img.height();
  c->pix_fmt = pix;
  c->time_base = {1, 25};
  c->flags |= AV_CODEC_FLAG_BITEXACT;
  c->thread_count = 1;
  if (!png) {
    c->flags |= AV_CODEC_FLAG_QSCALE;
    c->global_quality = FF_QP2LAMBDA * 2;
    c->color_range = AVCOL_RANGE_JPEG;
  }
  if (avcodec_open2(c.get(), codec, nullptr) < 0) {
    return Fail(ErrorCode::kInternal, "cannot open the " + format + " encoder");
  }
  av::FramePtr f(av_frame_alloc());
  if (!f) return Fail(ErrorCode::kInternal, "out of memory");
  f->format = pix;
  f->width = img.width();
  f->height = img.height();
  if (av_frame_get_buffer(f.get(), 0) < 0) return Fail(ErrorCode::kInternal, "out of memory");
  // BT.709 limited range in, RGB or full-range JPEG YUV (BT.601, as JPEG expects) out.
  SwsContext* sws =
      sws_getContext(img.width(), img.height(), AV_PIX_FMT_YUV420P, img.width(), img.height(), pix,
                     SWS_BICUBIC | SWS_ACCURATE_RND | SWS_BITEXACT | SWS_FULL_CHR_H_INT, nullptr,
                     nullptr, nullptr);
  if (sws == nullptr) return Fail(ErrorCode::kInternal, "sws_getContext failed");
  sws_setColorspaceDetails(sws, sws_getCoefficients(SWS_CS_ITU709), 0,
                           sws_getCoefficients(png ? SWS_CS_ITU709 : SWS_CS_ITU601), 1, 0, 1 << 16,
                           1 << 16);
  const Yuv420View v = img.view();
  const uint8_t* src[4] = {v.y, v.u, v.v, nullptr};
  const int src_stride[4] = {v.y_stride, v.u_stride, v.v_stride, 0};
  sws_scale(sws, src, src_stride, 0, img.height(), f->data, f->linesize);
  sws_freeContext(sws);
  av::PacketPtr pkt(av_packet_alloc());
  if (!pkt) return Fail(ErrorCode::kInternal, "out of memory");
  if (avcodec_send_frame(c.get(), f.get()) < 0 || avcodec_send_frame(c.get(), nullptr) < 0 ||
      avcodec_receive_packet(c.get(), pkt.get()) < 0) {
    return Fail(ErrorCode::kInternal, "encoding the poster failed");
  }
  return std::string(reinterpret_cast<const char*>(pkt->data), static_cast<size_t>(pkt->size));
}

}  // namespace

int64_t PosterFrame(const Manifest& m, const Timeline& timeline) {
  const size_t i = std::min(m.poster.scene, timeline.scenes().size() - 1);
  const SceneSpan& span = timeline.scenes()[i];
  const double at = m.poster.at_s.value_or(m.scenes[i].duration_s * 2.0 / 3.0);
  const int64_t k = std::clamp<int64_t>(std::llround(at * timeline.fps()), 0, span.frames - 1);
  return std::min(span.start + k, timeline.total_frames() - 1);
}

Result<std::string> RenderPoster(const std::vector<ScenePlan>& plans, const Timeline& timeline,
                                 const CanvasMapping& map, const FrameOverlays* overlays, int64_t n,
                                 const std::string& format) {
  SceneCache scenes(plans, timeline, map, {{n, n + 1}});
  Yuv420Image img(map.out_width, map.out_height);
  DrawScratch scratch;
  AIPROD_TRY(DrawOutputFrame(timeline, scenes, map, overlays, n, scratch, img.planes()));
  return Encode(img, format);
}

}  // namespace aiprod
