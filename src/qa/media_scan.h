// One pass over a media file for QA: everything ProbeMedia reports, the
// pictures shown at chosen times, every audio sample streamed to a sink, and
// an account of how intact the file is (packets the index promised but the
// file does not hold, packets the decoders refused).
//
// Unlike ProbeMedia, a damaged file is not an error here: the scan goes on
// past decoding errors and reports them in `MediaScan::integrity`, so QA can
// tell a truncated render (worth rendering again) from a wrong one.
//
// Thread-safe: calls share no state. Memory: one decoded frame in flight and
// the RGB picture handed to the frame sink.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "qa/probe.h"

namespace aiprod {

struct ScanOptions {
  double rms_window_s = 0.1;
  // Times (seconds, any order) whose picture goes to the frame sink.
  std::vector<double> frame_times;
  bool decode_video = true;
  bool decode_audio = true;
  // Skip non-reference video frames (AVDISCARD_NONREF): about half the
  // decoding work. A grabbed picture is then the last decoded one at or before
  // the time (a few frames early at most), and frame counts and the video
  // duration come from the packets instead of decoded frames.
  bool reference_frames_only = false;
  // Leave undecoded the pictures after the last requested time of a group of
  // pictures (qa/gop_skip.h): decoding errors are then only found in the
  // pictures decoded. Needs frame_times and a frame sink.
  bool skip_unwatched = false;
};

struct ScanIntegrity {
  int64_t video_packets = 0;         // read from the file
  int64_t indexed_video_frames = 0;  // the container index's count (0: unknown)
  int64_t decoded_video_frames = 0;
  int64_t skipped_video_packets = 0;  // left undecoded (ScanOptions::skip_unwatched)
  int64_t decode_errors = 0;          // packets or frames the decoders refused
  bool read_error = false;            // reading stopped before the end of the file
  std::string first_error;            // the first problem, for people
  // The file holds every frame its index lists and decoded without errors.
  bool Intact() const;
};

struct MediaScan {
  MediaProbe probe;
  ScanIntegrity integrity;
};

// `index` is the position in ScanOptions::frame_times; `shown_s` the
// timestamp of the picture given. Times outside the video get no call.
using FrameSink = std::function<void(size_t index, double shown_s, const RgbImage& picture)>;
// Interleaved float samples of the first audio stream, in order.
using AudioSink =
    std::function<void(std::span<const float> interleaved, int channels, int sample_rate)>;

// kNotFound when the file does not exist; kInvalidInput when libavformat
// cannot open it or it has no stream to measure.
Result<MediaScan> ScanMedia(const std::string& path, const ScanOptions& options,
                            const FrameSink& on_frame = {}, const AudioSink& on_audio = {});

}  // namespace aiprod
