// Measuring a media file by decoding all of it: container, streams, colour
// tags, frame and sample counts, audio levels over time, MP4 box order; and
// fetching the picture shown at a given time for pixel checks.
//
// Thread-safe: functions share no state. Memory is bounded by one decoded
// frame, except DecodeAudio, which returns the whole track.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace aiprod {

struct VideoProbe {
  std::string codec;    // "h264"
  std::string profile;  // "High"
  int width = 0, height = 0;
  std::string pix_fmt;  // "yuv420p"
  double avg_frame_rate = 0;
  int64_t frames = 0;     // decoded
  double duration_s = 0;  // from the decoded frames' timestamps and durations
  std::string color_range, color_primaries, color_trc, color_space;  // "tv", "bt709", ...
};

struct AudioProbe {
  std::string codec;    // "aac"
  std::string profile;  // "LC"
  int sample_rate = 0;
  int channels = 0;
  // Decoded, per channel. AAC decodes whole 1024-sample frames, so this may
  // exceed the encoded length by the encoder's final padding (< 1024).
  int64_t samples = 0;
  double duration_s = 0;  // samples / sample_rate
  double rms_dbfs = 0;    // over all channels and samples (a full-scale sine: -3 dBFS)
  double peak_dbfs = 0;   // largest sample magnitude
  double window_s = 0.1;
  std::vector<double> window_rms_dbfs;  // window i covers [i*window_s, (i+1)*window_s)

  // RMS in dBFS over the windows inside [from_s, to_s); -inf when silent or empty.
  double RmsDbfsBetween(double from_s, double to_s) const;
};

struct MediaProbe {
  std::string format;                        // libavformat's name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
  double duration_s = 0;                     // container duration
  bool faststart = false;                    // MP4: the moov box precedes mdat
  std::vector<std::string> top_level_boxes;  // MP4 box types in file order
  std::optional<VideoProbe> video;           // the first video stream
  std::optional<AudioProbe> audio;           // the first audio stream
};

struct ProbeOptions {
  double rms_window_s = 0.1;
};

// kNotFound when the file does not exist; kInvalidInput when it is not
// readable media or fails to decode.
Result<MediaProbe> ProbeMedia(const std::string& path, const ProbeOptions& options = {});

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};

// 8-bit RGB, rows packed (3 * width bytes), top row first.
struct RgbImage {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;
  // The decoded luma plane expanded to full range (width × height), when the
  // video is 8-bit YUV; empty otherwise. OCR reads it: luma at full resolution
  // is sharper than luma recomputed from RGB, whose chroma was upsampled from
  // half resolution (white text on a warm gradient came back as noise).
  std::vector<uint8_t> luma;
};

// The video frame on screen at `t_s` (the last frame whose timestamp is not
// after t_s), converted to full-range RGB with the stream's colour matrix.
// kInvalidInput when t_s is outside the video.
Result<RgbImage> DecodeFrameAt(const std::string& path, double t_s);

// Precondition: 0 <= x < width, 0 <= y < height.
Rgb PixelAt(const RgbImage& image, int x, int y);

// The first audio stream decoded to interleaved float samples.
struct DecodedAudio {
  int sample_rate = 0;
  int channels = 0;
  std::vector<float> interleaved;
};
Result<DecodedAudio> DecodeAudio(const std::string& path);

}  // namespace aiprod
