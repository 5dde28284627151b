// Segment encoder: frames encoded by libx264 (High profile, yuv420p, BT.709
// limited range, tagged) into a video-only MP4, the unit of the scene cache.
// Every segment starts with an IDR frame and, for the same options, carries
// the same parameter sets, so segments join into one stream by copying
// packets (segment_join.h). Bit-exact flags and a fixed thread count make the
// bytes a function of the frames and options alone.
//
// Not thread-safe: one thread calls every method (x264 runs its own threads).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/error.h"
#include "media/av_handles.h"

namespace aiprod {

struct EncoderOptions {
  int width = 1920, height = 1080, fps = 30;
  int crf = 23;
  std::string x264_preset = "veryfast";
  int threads = 1;  // x264 threads; must be > 0 for reproducible output
  int audio_bitrate_kbps = 128;
};

// A writable yuv420p frame (BT.709, limited range tags) for SegmentWriter.
Result<av::FramePtr> NewYuvFrame(int width, int height);

class SegmentWriter {
 public:
  // Creates (truncates) `path` and writes the header.
  static Result<std::unique_ptr<SegmentWriter>> Open(const std::string& path,
                                                     const EncoderOptions& o);

  // Encodes the next frame (a NewYuvFrame of the output size, which the
  // caller may reuse afterwards: call av_frame_make_writable first);
  // timestamps are assigned in call order.
  Status WriteVideo(AVFrame* frame);

  // Flushes the encoder, writes the trailer and closes the file. Call once.
  Status Finish();

  int64_t frames() const { return frames_; }

 private:
  struct Passkey {
    explicit Passkey() = default;
  };

 public:
  explicit SegmentWriter(Passkey) {}  // use Open

 private:
  Status Drain();

  av::OutputFormatPtr fmt_;
  av::CodecContextPtr video_;
  AVStream* st_ = nullptr;  // owned by fmt_
  av::PacketPtr pkt_;
  int64_t frames_ = 0;
  bool finished_ = false;
};

}  // namespace aiprod
