// Deciding which video packets a QA scan need not decode: the rest of a
// group of pictures once no requested time falls before the next IDR frame.
// A requested time at or after that IDR is shown by a frame decoded from it,
// so skipping never changes which picture a time gets; it saves the decoding
// of pictures nobody looks at (a quarter or more of a rendered video).
//
// Only for H.264 in MP4 (length-prefixed NAL units), where an IDR picture can
// be recognised: decoding may only resume at a picture that refers to nothing
// before it. Other streams are decoded in full. Not thread-safe.
#pragma once

extern "C" {
#include <libavcodec/packet.h>
#include <libavformat/avformat.h>
}

#include <cstdint>
#include <vector>

namespace aiprod::qa {

class GopSkipper {
 public:
  explicit GopSkipper(AVStream* stream);

  // Whether `pkt` (of the stream) need not be decoded. `next_target` is the
  // presentation timestamp (stream ticks) of the next requested picture not
  // yet handed out, INT64_MAX when none is left.
  bool Skip(const AVPacket* pkt, int64_t next_target);

 private:
  bool IsIdr(const AVPacket* pkt) const;
  // Presentation time of the first key picture after decode time `dts`, an
  // upper estimate; INT64_MAX when there is none.
  int64_t NextKeyPts(int64_t dts) const;

  bool usable_ = false;
  int nal_length_size_ = 4;
  std::vector<int64_t> key_dts_;  // from the container index, ascending
  int64_t key_delay_ = 0;         // largest pts - dts seen on a key picture
  int64_t frame_ticks_ = 1;       // a frame's duration, for the safety margin
  bool skipping_ = false;
};

}  // namespace aiprod::qa
