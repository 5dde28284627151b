// The encoded soundtrack: the mixed track (audio_mix.h) normalised for
// loudness and encoded as AAC-LC (FFmpeg's native encoder, 48 kHz stereo)
// into an audio-only MP4 whose packets the join copies into the final file.
//
// It is a unit of the scene cache like a segment (segment_key.h:
// SoundtrackKey), so a re-render whose sound did not change skips the
// loudness passes and the encoder, and the renderer encodes it on its own
// thread while the frames are drawn and encoded.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace aiprod {

struct SoundtrackOptions {
  std::optional<double> target_lufs;  // EBU R128 normalisation when set
  double ceiling_dbtp = -1;           // true-peak ceiling of the normalisation
  int bitrate_kbps = 128;
};

// Normalises `mono` (48 kHz, in place) and encodes it into `path` (created or
// truncated; bit-exact: no version strings or times). Samples are clipped to
// [-1, 1] and sent to both channels. kCancelled when `stopped` returns true
// (asked a few times per second of audio; may be empty).
Status EncodeSoundtrack(std::vector<float>& mono, const SoundtrackOptions& options,
                        const std::string& path, const std::function<bool()>& stopped);

// True when `path` is a readable soundtrack of one AAC stream lasting
// `samples` samples at 48 kHz (a cache entry worth using).
bool SoundtrackLooksValid(const std::string& path, int64_t samples);

}  // namespace aiprod
