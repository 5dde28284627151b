// Loudness (EBU R128 / ITU-R BS.1770 via libebur128) and clipping of a
// soundtrack, measured from samples streamed in as they are decoded.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "core/error.h"

namespace aiprod {

struct AudioMeasures {
  double integrated_lufs = 0;  // -inf when silent
  double range_lu = 0;         // loudness range (LRA)
  double true_peak_dbtp = 0;   // the largest of the channels; -inf when silent
  int64_t samples = 0;         // per channel
  int64_t clipped = 0;         // samples (any channel) at or beyond full scale
  double ClippedFraction(int channels) const;
};

// Not thread-safe. Mono is measured as dual mono (as the renderer measures it),
// two channels as left and right.
class LoudnessMeter {
 public:
  // A sample whose magnitude reaches `clip_level` counts as clipped.
  static constexpr float kClipLevel = 0.999f;

  LoudnessMeter();
  ~LoudnessMeter();
  LoudnessMeter(LoudnessMeter&&) noexcept;
  LoudnessMeter& operator=(LoudnessMeter&&) noexcept;

  // The first call fixes the layout; later chunks with another layout fail.
  Status Add(std::span<const float> interleaved, int channels, int sample_rate);
  // kInvalidInput when nothing was added.
  Result<AudioMeasures> Finish();

 private:
  struct State;  // owns the libebur128 state
  std::unique_ptr<State> state_;
  int channels_ = 0, rate_ = 0;
  AudioMeasures m_;
};

}  // namespace aiprod
