// DecodeFrameAt and PixelAt (declared in probe.h).
#include <cmath>
#include <limits>

#include "qa/av_input.h"
#include "qa/probe.h"

namespace aiprod {
namespace {

// Decodes from the current position; keeps the last frame at or before
// `target`. `past` is set when a frame after the target was seen.
Status Scan(AVFormatContext* fmt, qa::Decoder& video, int64_t target, av::FramePtr& kept,
            bool& past, bool& any) {
  qa::Decoder* decoders[] = {&video};
  return qa::DecodeStreams(fmt, decoders, [&](size_t, const AVFrame* f) {
    any = true;
    int64_t pts = f->best_effort_timestamp;
    if (pts != AV_NOPTS_VALUE && pts > target) {
      past = true;
      return false;
    }
    av_frame_unref(kept.get());
    av_frame_ref(kept.get(), f);
    return true;
  });
}

}  // namespace

Result<RgbImage> DecodeFrameAt(const std::string& path, double t_s) {
  if (!std::isfinite(t_s) || t_s < 0) return Invalid("t_s", "must be a time within the video");
  AIPROD_ASSIGN(av::InputFormatPtr fmt, qa::OpenInput(path));
  AIPROD_ASSIGN(qa::Decoder video, qa::OpenDecoder(fmt.get(), AVMEDIA_TYPE_VIDEO));
  if (video.stream < 0) return Invalid("path", path + " has no video stream");
  const AVStream* st = fmt->streams[video.stream];
  const double tb = av_q2d(st->time_base);
  // A thousandth of a tick forgives rounding in t_s = n / fps.
  const auto target = static_cast<int64_t>(std::floor(t_s / tb + 1e-3));

  av::FramePtr kept(av_frame_alloc());
  if (!kept) return Fail(ErrorCode::kInternal, "out of memory");
  bool past = false, any = false;
  if (av_seek_frame(fmt.get(), video.stream, target, AVSEEK_FLAG_BACKWARD) >= 0) {
    avcodec_flush_buffers(video.ctx.get());
    AIPROD_TRY(Scan(fmt.get(), video, target, kept, past, any));
  }
  if (kept->buf[0] == nullptr) {  // seeking failed or overshot: scan from the start
    past = any = false;
    AIPROD_ASSIGN(fmt, qa::OpenInput(path));
    AIPROD_ASSIGN(video, qa::OpenDecoder(fmt.get(), AVMEDIA_TYPE_VIDEO));
    AIPROD_TRY(Scan(fmt.get(), video, target, kept, past, any));
  }
  if (kept->buf[0] == nullptr) return Invalid("t_s", "is before the first frame");
  if (!past) {  // the last frame: t must fall within its duration
    int64_t end = kept->best_effort_timestamp + std::max<int64_t>(kept->pkt_duration, 1);
    if (target >= end) return Invalid("t_s", "is after the end of the video");
  }
  av::SwsPtr sws;
  return qa::FrameToRgb(kept.get(), sws);
}

Rgb PixelAt(const RgbImage& image, int x, int y) {
  const size_t i = (static_cast<size_t>(y) * image.width + x) * 3;
  return {image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]};
}

}  // namespace aiprod
