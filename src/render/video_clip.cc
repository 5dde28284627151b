#include "render/video_clip.h"

extern "C" {
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cmath>
#include <cstring>

namespace aiprod {
namespace {

int EvenUp(double v) { return 2 * static_cast<int>(std::ceil(v / 2 - 1e-9)); }

// Fills the even rectangle `r` of `out` with one colour.
void FillRect(const Yuv420Planes& out, const PixelRect& r, const Color& c) {
  uint32_t px[4];
  std::fill(px, px + 4, 0xff000000u | (uint32_t{c.r} << 16) | (uint32_t{c.g} << 8) | c.b);
  uint8_t y[4], u, v;
  ArgbToYuv420(reinterpret_cast<const uint8_t*>(px), 8, 2, 2, {y, &u, &v, 2, 1, 1});
  for (int row = r.y0; row < r.y1; ++row) {
    std::memset(out.y + static_cast<ptrdiff_t>(row) * out.y_stride + r.x0, y[0],
                static_cast<size_t>(r.Width()));
  }
  for (int row = r.y0 / 2; row < r.y1 / 2; ++row) {
    std::memset(out.u + static_cast<ptrdiff_t>(row) * out.u_stride + r.x0 / 2, u,
                static_cast<size_t>(r.Width() / 2));
    std::memset(out.v + static_cast<ptrdiff_t>(row) * out.v_stride + r.x0 / 2, v,
                static_cast<size_t>(r.Width() / 2));
  }
}

int SwsMatrix(AVColorSpace cs, int height) {
  switch (cs) {
    case AVCOL_SPC_BT709:
      return SWS_CS_ITU709;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M:
      return SWS_CS_ITU601;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL:
      return SWS_CS_BT2020;
    default:
      return height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601;
  }
}

}  // namespace

Result<ClipInfo> ProbeClip(const std::string& path, const std::string& field) {
  AVFormatContext* raw = nullptr;
  if (avformat_open_input(&raw, path.c_str(), nullptr, nullptr) < 0) {
    return Invalid(field, "is not a readable video clip");
  }
  av::InputFormatPtr fmt(raw);
  if (avformat_find_stream_info(fmt.get(), nullptr) < 0) {
    return Invalid(field, "is not a readable video clip");
  }
  int s = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (s < 0) return Invalid(field, "has no video stream");
  const AVStream* st = fmt->streams[s];
  if (avcodec_find_decoder(st->codecpar->codec_id) == nullptr) {
    return Invalid(field, "uses a video codec FFmpeg cannot decode");
  }
  ClipInfo info;
  info.width = st->codecpar->width;
  info.height = st->codecpar->height;
  if (st->duration > 0) {
    info.duration_s = static_cast<double>(st->duration) * av_q2d(st->time_base);
  } else if (fmt->duration > 0) {
    info.duration_s = static_cast<double>(fmt->duration) / AV_TIME_BASE;
  }
  if (info.width <= 0 || info.height <= 0 || info.width > 8192 || info.height > 8192) {
    return Invalid(field, "has an unusable picture size");
  }
  if (!(info.duration_s > 0)) return Invalid(field, "has no known duration");
  return info;
}

ClipReader::~ClipReader() { sws_freeContext(sws_); }

Result<std::unique_ptr<ClipReader>> ClipReader::Open(const std::string& path,
                                                     const std::string& field,
                                                     const ClipPlacement& placement) {
  std::unique_ptr<ClipReader> r(new ClipReader());
  r->field_ = field;
  r->place_ = placement;
  AVFormatContext* raw = nullptr;
  if (avformat_open_input(&raw, path.c_str(), nullptr, nullptr) < 0) {
    return Invalid(field, "is not a readable video clip");
  }
  r->fmt_.reset(raw);
  if (avformat_find_stream_info(r->fmt_.get(), nullptr) < 0) {
    return Invalid(field, "is not a readable video clip");
  }
  r->stream_ = av_find_best_stream(r->fmt_.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (r->stream_ < 0) return Invalid(field, "has no video stream");
  for (unsigned i = 0; i < r->fmt_->nb_streams; ++i) {
    if (static_cast<int>(i) != r->stream_) r->fmt_->streams[i]->discard = AVDISCARD_ALL;
  }
  const AVCodecParameters* par = r->fmt_->streams[r->stream_]->codecpar;
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (codec == nullptr) return Invalid(field, "uses a video codec FFmpeg cannot decode");
  r->dec_.reset(avcodec_alloc_context3(codec));
  if (!r->dec_) return Fail(ErrorCode::kInternal, "out of memory");
  if (avcodec_parameters_to_context(r->dec_.get(), par) < 0) {
    return Fail(ErrorCode::kInternal, "avcodec_parameters_to_context failed");
  }
  r->dec_->thread_count = 1;  // reproducible and light; the encoder has the cores
  if (avcodec_open2(r->dec_.get(), codec, nullptr) < 0) return Invalid(field, "cannot be decoded");
  r->pkt_.reset(av_packet_alloc());
  r->cur_.reset(av_frame_alloc());
  r->next_.reset(av_frame_alloc());
  if (!r->pkt_ || !r->cur_ || !r->next_) return Fail(ErrorCode::kInternal, "out of memory");

  // The drawn size: the clip fitted to the destination.
  const PixelRect& d = placement.dest;
  const double sx = static_cast<double>(d.Width()) / par->width;
  const double sy = static_cast<double>(d.Height()) / par->height;
  switch (placement.fit) {
    case ImageFit::kFill:
      r->draw_w_ = d.Width(), r->draw_h_ = d.Height();
      break;
    case ImageFit::kFit:
      r->draw_w_ = std::min(d.Width(), EvenUp(par->width * std::min(sx, sy)));
      r->draw_h_ = std::min(d.Height(), EvenUp(par->height * std::min(sx, sy)));
      break;
    case ImageFit::kCrop:
      r->draw_w_ = std::max(d.Width(), EvenUp(par->width * std::max(sx, sy)));
      r->draw_h_ = std::max(d.Height(), EvenUp(par->height * std::max(sx, sy)));
      break;
  }
  r->draw_w_ = std::max(2, r->draw_w_);
  r->draw_h_ = std::max(2, r->draw_h_);
  r->scaled_ = Yuv420Image(r->draw_w_, r->draw_h_);
  return r;
}

double ClipReader::PtsOf(const AVFrame& f) const {
  const AVStream* st = fmt_->streams[stream_];
  int64_t ts = f.best_effort_timestamp != AV_NOPTS_VALUE ? f.best_effort_timestamp : f.pts;
  if (ts == AV_NOPTS_VALUE) ts = 0;
  if (st->start_time != AV_NOPTS_VALUE) ts -= st->start_time;
  return static_cast<double>(ts) * av_q2d(st->time_base);
}

Status ClipReader::Seek(double clip_s) {
  const AVStream* st = fmt_->streams[stream_];
  int64_t ts = static_cast<int64_t>(clip_s / av_q2d(st->time_base));
  if (st->start_time != AV_NOPTS_VALUE) ts += st->start_time;
  if (av_seek_frame(fmt_.get(), stream_, ts, AVSEEK_FLAG_BACKWARD) < 0) {
    // Fall back to the start of the file.
    if (av_seek_frame(fmt_.get(), stream_, st->start_time != AV_NOPTS_VALUE ? st->start_time : 0,
                      AVSEEK_FLAG_BACKWARD) < 0) {
      return Invalid(field_, "cannot be read from the start");
    }
  }
  avcodec_flush_buffers(dec_.get());
  have_cur_ = have_next_ = eof_ = false;
  return {};
}

Result<bool> ClipReader::DecodeNext() {
  for (;;) {
    int err = avcodec_receive_frame(dec_.get(), next_.get());
    if (err == 0) {
      next_pts_ = PtsOf(*next_);
      have_next_ = true;
      return true;
    }
    if (err == AVERROR_EOF) {
      eof_ = true;
      return false;
    }
    if (err != AVERROR(EAGAIN)) return Invalid(field_, "is corrupt (" + av::ErrorText(err) + ")");
    err = av_read_frame(fmt_.get(), pkt_.get());
    if (err == AVERROR_EOF) {
      avcodec_send_packet(dec_.get(), nullptr);
      continue;
    }
    if (err < 0) return Invalid(field_, "cannot be read (" + av::ErrorText(err) + ")");
    if (pkt_->stream_index == stream_) err = avcodec_send_packet(dec_.get(), pkt_.get());
    av_packet_unref(pkt_.get());
    if (err < 0 && err != AVERROR(EAGAIN) && err != AVERROR_INVALIDDATA) {
      return Invalid(field_, "is corrupt (" + av::ErrorText(err) + ")");
    }
  }
}

Status ClipReader::Scale(const AVFrame& f) {
  if (sws_ == nullptr || f.width != sws_src_w_ || f.height != sws_src_h_ ||
      f.format != sws_src_fmt_) {
    sws_freeContext(sws_);
    sws_ = sws_getContext(f.width, f.height, static_cast<AVPixelFormat>(f.format), draw_w_, draw_h_,
                          AV_PIX_FMT_YUV420P, SWS_BICUBIC | SWS_ACCURATE_RND | SWS_BITEXACT,
                          nullptr, nullptr, nullptr);
    if (sws_ == nullptr) return Invalid(field_, "has a pixel format that cannot be converted");
    const int src_full = f.color_range == AVCOL_RANGE_JPEG ? 1 : 0;
    sws_setColorspaceDetails(sws_, sws_getCoefficients(SwsMatrix(f.colorspace, f.height)), src_full,
                             sws_getCoefficients(SWS_CS_ITU709), 0, 0, 1 << 16, 1 << 16);
    sws_src_w_ = f.width, sws_src_h_ = f.height, sws_src_fmt_ = f.format;
  }
  Yuv420Planes p = scaled_.planes();
  uint8_t* dst[4] = {p.y, p.u, p.v, nullptr};
  int stride[4] = {p.y_stride, p.u_stride, p.v_stride, 0};
  sws_scale(sws_, f.data, f.linesize, 0, f.height, dst, stride);
  return {};
}

Status ClipReader::Draw(double t_s, const Yuv420Planes& out) {
  const double eps = 1e-6;
  double target = place_.start_s + t_s;
  const double dur = place_.duration_s;
  if (place_.loop && dur > 0) target = std::fmod(target, dur);
  // Going back (a loop or a new segment) restarts from the previous keyframe.
  if ((have_cur_ && cur_pts_ > target + eps) ||
      (!have_cur_ && !have_next_ && !eof_ && (target > 1.0 || scaled_pts_ >= 0))) {
    AIPROD_TRY(Seek(target));
  }
  for (;;) {
    if (!have_next_) {
      if (eof_) break;
      AIPROD_ASSIGN(bool got, DecodeNext());
      if (!got) break;
    }
    if (next_pts_ <= target + eps || !have_cur_) {
      std::swap(cur_, next_);
      cur_pts_ = next_pts_;
      have_cur_ = true;
      have_next_ = false;
      if (cur_pts_ > target + eps) break;  // the clip starts after `target`: its first frame
      continue;
    }
    break;
  }
  if (!have_cur_) return Invalid(field_, "has no decodable frame");
  if (cur_pts_ != scaled_pts_) {
    AIPROD_TRY(Scale(*cur_));
    scaled_pts_ = cur_pts_;
  }
  // Place the drawn picture centred in dest: letterboxed (fit) or cropped.
  const PixelRect& d = place_.dest;
  if (draw_w_ < d.Width() || draw_h_ < d.Height()) FillRect(out, d, place_.fill);
  const int cw = std::min(draw_w_, d.Width()), ch = std::min(draw_h_, d.Height());
  const int sx = ((draw_w_ - cw) / 2) & ~1, sy = ((draw_h_ - ch) / 2) & ~1;
  const int dx = d.x0 + (((d.Width() - cw) / 2) & ~1), dy = d.y0 + (((d.Height() - ch) / 2) & ~1);
  const Yuv420View src = scaled_.view();
  for (int y = 0; y < ch; ++y) {
    std::memcpy(out.y + static_cast<ptrdiff_t>(dy + y) * out.y_stride + dx,
                src.y + static_cast<ptrdiff_t>(sy + y) * src.y_stride + sx,
                static_cast<size_t>(cw));
  }
  for (int y = 0; y < ch / 2; ++y) {
    const ptrdiff_t so = sy / 2 + y, doff = dy / 2 + y;
    std::memcpy(out.u + doff * out.u_stride + dx / 2, src.u + so * src.u_stride + sx / 2,
                static_cast<size_t>(cw / 2));
    std::memcpy(out.v + doff * out.v_stride + dx / 2, src.v + so * src.v_stride + sx / 2,
                static_cast<size_t>(cw / 2));
  }
  return {};
}

}  // namespace aiprod
