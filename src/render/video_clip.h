// Video clip backgrounds: a clip decoded with the FFmpeg libraries, frame by
// frame, scaled into the canvas rectangle of output frames.
//
// Clip time for scene time t is start_s + t (wrapped by the clip's length
// when looping, else held on the last frame); the frame shown is the last
// one whose presentation time is at or before it (sample and hold), so any
// clip frame rate maps onto the output's. Decoding and scaling are
// single-threaded and bit-exact: pixels are reproducible.
//
// A ClipReader is not thread-safe; each drawing thread opens its own. Reading
// forward is cheap; going back (a loop, a new segment) seeks to the previous
// keyframe and decodes forward.
#pragma once

#include <memory>
#include <string>

#include "core/error.h"
#include "media/av_handles.h"
#include "model/color.h"
#include "model/manifest.h"
#include "render/geometry.h"
#include "render/pixel_convert.h"

struct SwsContext;

namespace aiprod {

struct ClipInfo {
  int width = 0, height = 0;
  double duration_s = 0;
};

// kInvalidInput naming `field` when the file has no decodable video stream
// or no known duration.
Result<ClipInfo> ProbeClip(const std::string& path, const std::string& field);

struct ClipPlacement {
  PixelRect dest;  // output pixels, even coordinates
  ImageFit fit = ImageFit::kCrop;
  Color fill{0, 0, 0, 255};  // around the picture for kFit
  double start_s = 0;
  bool loop = true;
  double duration_s = 0;  // the clip's, from ProbeClip
};

class ClipReader {
 public:
  static Result<std::unique_ptr<ClipReader>> Open(const std::string& path, const std::string& field,
                                                  const ClipPlacement& placement);
  ~ClipReader();

  // Draws the frame shown at scene time `t_s` into `out` (an output frame),
  // inside placement.dest. Corrupt data fails with kInvalidInput naming the field.
  Status Draw(double t_s, const Yuv420Planes& out);

 private:
  ClipReader() = default;
  Status Seek(double clip_s);
  // Decodes the next frame into `next_`; false at the end of the clip.
  Result<bool> DecodeNext();
  Status Scale(const AVFrame& f);
  double PtsOf(const AVFrame& f) const;

  std::string field_;
  ClipPlacement place_;
  av::InputFormatPtr fmt_;
  av::CodecContextPtr dec_;
  int stream_ = -1;
  av::PacketPtr pkt_;
  av::FramePtr cur_, next_;
  bool have_cur_ = false, have_next_ = false, eof_ = false;
  double cur_pts_ = 0, next_pts_ = 0;
  SwsContext* sws_ = nullptr;
  int sws_src_w_ = 0, sws_src_h_ = 0, sws_src_fmt_ = -1;
  Yuv420Image scaled_;           // the current frame at its drawn size
  double scaled_pts_ = -1;       // which frame `scaled_` holds
  int draw_w_ = 0, draw_h_ = 0;  // scaled size (even)
};

}  // namespace aiprod
