// MP4 writer: H.264 (libx264, High profile, yuv420p, BT.709 limited range,
// tagged) and AAC-LC (FFmpeg's native encoder, 48 kHz stereo), muxed with
// +faststart. Bit-exact flags and a fixed thread count make the output bytes
// a function of the inputs and options alone.
//
// Not thread-safe: one thread calls every method (x264 runs its own threads).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "render/av_handles.h"

namespace aiprod {

struct EncoderOptions {
  int width = 1920, height = 1080, fps = 30;
  int crf = 23;
  std::string x264_preset = "veryfast";
  int threads = 1;  // x264 threads; must be > 0 for reproducible output
  int audio_bitrate_kbps = 128;
};

class Mp4Writer {
 public:
  // Creates (truncates) `path` and writes the header.
  static Result<std::unique_ptr<Mp4Writer>> Open(const std::string& path, const EncoderOptions& o);

  // A writable yuv420p frame of the output size for the caller to fill and
  // pass to WriteVideo. The caller owns it and may reuse it after WriteVideo
  // (call av_frame_make_writable first).
  Result<av::FramePtr> NewVideoFrame() const;

  // Encodes the next video frame; timestamps are assigned in call order.
  Status WriteVideo(AVFrame* frame);

  // Appends mono samples to both audio channels (clipped to [-1, 1]).
  Status WriteAudio(std::span<const float> mono);

  // Flushes both encoders, writes the trailer (the faststart pass moves the
  // index to the front) and closes the file. Call once, after the last write.
  Status Finish();

  int64_t video_frames() const { return video_frames_; }
  int64_t audio_samples() const { return audio_samples_; }

 private:
  struct Passkey {
    explicit Passkey() = default;
  };

 public:
  explicit Mp4Writer(Passkey) {}  // use Open

 private:
  Status OpenVideo(const EncoderOptions& o);
  Status OpenAudio(const EncoderOptions& o);
  Status SendAudioFrame(int samples);  // from the pending buffer; 0 flushes
  Status Drain(AVCodecContext* ctx, AVStream* st, bool video);

  av::OutputFormatPtr fmt_;
  av::CodecContextPtr video_, audio_;
  AVStream* video_st_ = nullptr;  // owned by fmt_
  AVStream* audio_st_ = nullptr;
  av::PacketPtr pkt_;
  av::FramePtr audio_frame_;
  std::vector<float> pending_;  // audio samples not yet in a full encoder frame
  int64_t video_frames_ = 0;
  int64_t audio_samples_ = 0;
  bool finished_ = false;
};

}  // namespace aiprod
