// The final MP4: H.264 packets copied from segments and AAC packets copied
// from the soundtrack (no re-encoding), muxed with +faststart so the index
// comes first. Bit-exact: no version strings or wall-clock times in the file.
//
// Not thread-safe: one thread calls every method.
#pragma once

#include <memory>
#include <string>

#include "core/error.h"
#include "media/av_handles.h"

namespace aiprod {

class Mp4Writer {
 public:
  // Creates (truncates) `path`. `video` describes the H.264 stream (its
  // extradata holds the parameter sets); packets come in frames of 1/fps.
  // `audio` describes the AAC stream, whose packets come in `audio_tb`.
  static Result<std::unique_ptr<Mp4Writer>> Open(const std::string& path,
                                                 const AVCodecParameters& video, int fps,
                                                 const AVCodecParameters& audio,
                                                 AVRational audio_tb);

  // Writes one video packet whose pts/dts count frames (time base 1/fps).
  // Packets come in decoding order.
  Status WriteVideoPacket(AVPacket* pkt);

  // Writes one audio packet (timestamps in `audio_tb`), in decoding order.
  Status WriteAudioPacket(AVPacket* pkt);

  // Writes the trailer (the faststart pass moves the index to the front) and
  // closes the file. Call once, after the last write.
  Status Finish();

 private:
  struct Passkey {
    explicit Passkey() = default;
  };

 public:
  explicit Mp4Writer(Passkey) {}  // use Open

 private:
  Status Write(AVPacket* pkt, AVRational from, const AVStream* st);

  av::OutputFormatPtr fmt_;
  AVStream* video_st_ = nullptr;  // owned by fmt_
  AVStream* audio_st_ = nullptr;
  AVRational frame_tb_{1, 30};
  AVRational audio_tb_{1, 48000};
  bool finished_ = false;
};

}  // namespace aiprod
