#include "qa/audio_metrics.h"

#include <ebur128.h>

#include <cmath>
#include <limits>

namespace aiprod {
namespace {

double Db(double linear) {
  return linear > 0 ? 20 * std::log10(linear) : -std::numeric_limits<double>::infinity();
}

}  // namespace

double AudioMeasures::ClippedFraction(int channels) const {
  double total = static_cast<double>(samples) * std::max(1, channels);
  return total > 0 ? static_cast<double>(clipped) / total : 0;
}

struct LoudnessMeter::State {
  explicit State(ebur128_state* s) : st(s) {}
  ~State() {
    if (st) ebur128_destroy(&st);
  }
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ebur128_state* st;
};

LoudnessMeter::LoudnessMeter() = default;
LoudnessMeter::~LoudnessMeter() = default;
LoudnessMeter::LoudnessMeter(LoudnessMeter&&) noexcept = default;
LoudnessMeter& LoudnessMeter::operator=(LoudnessMeter&&) noexcept = default;

Status LoudnessMeter::Add(std::span<const float> interleaved, int channels, int sample_rate) {
  if (channels <= 0 || sample_rate <= 0) return Invalid("audio", "no channels or sample rate");
  if (!state_) {
    ebur128_state* st =
        ebur128_init(static_cast<unsigned>(channels), static_cast<unsigned long>(sample_rate),
                     EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK);
    if (!st) return Fail(ErrorCode::kInternal, "ebur128_init failed");
    state_ = std::make_unique<State>(st);
    if (channels == 1) ebur128_set_channel(st, 0, EBUR128_DUAL_MONO);
    channels_ = channels;
    rate_ = sample_rate;
  } else if (channels != channels_ || sample_rate != rate_) {
    return Invalid("audio", "the channel layout or sample rate changes mid-stream");
  }
  const size_t frames = interleaved.size() / static_cast<size_t>(channels);
  for (float s : interleaved) m_.clipped += std::abs(s) >= kClipLevel;
  m_.samples += static_cast<int64_t>(frames);
  if (frames > 0 && ebur128_add_frames_float(state_->st, interleaved.data(), frames) != 0) {
    return Fail(ErrorCode::kInternal, "ebur128_add_frames_float failed");
  }
  return {};
}

Result<AudioMeasures> LoudnessMeter::Finish() {
  if (!state_) return Invalid("audio", "no audio samples");
  double lufs = 0, lra = 0;
  if (ebur128_loudness_global(state_->st, &lufs) != 0 ||
      ebur128_loudness_range(state_->st, &lra) != 0) {
    return Fail(ErrorCode::kInternal, "ebur128 failed");
  }
  double peak = 0;
  for (int ch = 0; ch < channels_; ++ch) {
    double p = 0;
    if (ebur128_true_peak(state_->st, static_cast<unsigned>(ch), &p) != 0) {
      return Fail(ErrorCode::kInternal, "ebur128 failed");
    }
    peak = std::max(peak, p);
  }
  m_.integrated_lufs = lufs;  // libebur128 gives -HUGE_VAL for silence
  m_.range_lu = std::isfinite(lra) ? lra : 0;
  m_.true_peak_dbtp = Db(peak);
  return m_;
}

}  // namespace aiprod
