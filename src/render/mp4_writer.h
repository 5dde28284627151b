// The final MP4: H.264 packets copied from segments (no re-encoding) and the
// soundtrack encoded as AAC-LC (FFmpeg's native encoder, 48 kHz stereo),
// muxed with +faststart so the index comes first. Bit-exact: no version
// strings or wall-clock times in the file.
//
// Not thread-safe: one thread calls every method.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "media/av_handles.h"

namespace aiprod {

class Mp4Writer {
 public:
  // Creates (truncates) `path`. `video` describes the H.264 stream (its
  // extradata holds the parameter sets); packets come in frames of 1/fps.
  static Result<std::unique_ptr<Mp4Writer>> Open(const std::string& path,
                                                 const AVCodecParameters& video, int fps,
                                                 int audio_bitrate_kbps);

  // Writes one video packet whose pts/dts count frames (time base 1/fps).
  // Packets come in decoding order.
  Status WriteVideoPacket(AVPacket* pkt);

  // Appends mono samples to both audio channels (clipped to [-1, 1]).
  Status WriteAudio(std::span<const float> mono);

  // Flushes the audio encoder, writes the trailer (the faststart pass moves
  // the index to the front) and closes the file. Call once, after the last write.
  Status Finish();

 private:
  struct Passkey {
    explicit Passkey() = default;
  };

 public:
  explicit Mp4Writer(Passkey) {}  // use Open

 private:
  Status OpenAudio(int bitrate_kbps);
  Status SendAudioFrame(int samples);  // from the pending buffer
  Status DrainAudio();

  av::OutputFormatPtr fmt_;
  av::CodecContextPtr audio_;
  AVStream* video_st_ = nullptr;  // owned by fmt_
  AVStream* audio_st_ = nullptr;
  AVRational frame_tb_{1, 30};
  av::PacketPtr pkt_;
  av::FramePtr audio_frame_;
  std::vector<float> pending_;  // audio samples not yet in a full encoder frame
  int64_t audio_samples_ = 0;
  bool finished_ = false;
};

}  // namespace aiprod
