#include "render/audio_mix.h"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <memory>
#include <numbers>
#include <optional>

#include "core/json.h"
#include "model/language.h"
#include "render/audio_decode.h"
#include "render/speech.h"

namespace aiprod {
namespace {

constexpr size_t kChunk = 4096;
// Sample peaks are limited this far below the true-peak ceiling: inter-sample
// peaks and AAC coding raise the peak of the decoded output a little.
constexpr double kPeakMarginDb = 1.0;
constexpr size_t kLookahead = kAudioSampleRate / 200;  // 5 ms
constexpr double kReleaseS = 0.08;

struct Ebur128Deleter {
  void operator()(ebur128_state* s) const { ebur128_destroy(&s); }
};
using Ebur128Ptr = std::unique_ptr<ebur128_state, Ebur128Deleter>;

Result<Ebur128Ptr> NewMeter(int mode) {
  Ebur128Ptr st(ebur128_init(1, kAudioSampleRate, mode));
  if (!st) return Fail(ErrorCode::kInternal, "ebur128_init failed");
  ebur128_set_channel(st.get(), 0, EBUR128_DUAL_MONO);
  return st;
}

Status Feed(ebur128_state* st, std::span<const float> samples) {
  if (!samples.empty() && ebur128_add_frames_float(st, samples.data(), samples.size()) != 0) {
    return Fail(ErrorCode::kInternal, "ebur128_add_frames_float failed");
  }
  return {};
}

Result<double> Global(ebur128_state* st) {
  double lufs = 0;
  if (ebur128_loudness_global(st, &lufs) != 0) return Fail(ErrorCode::kInternal, "ebur128 failed");
  return lufs;
}

double DbToGain(double db) { return std::pow(10.0, db / 20.0); }

// Look-ahead peak limiter streaming over a read-only input: output n is
// in[n] * gain * g[n] with |output| <= ceiling. g[n] is the mean, over the
// last L+1 samples, of a released minimum of the gain each of the next L+1
// samples requires, so it ramps down over L samples before a peak and
// recovers with time constant kReleaseS.
class Limiter {
 public:
  Limiter(std::span<const float> in, double gain, double ceiling)
      : in_(in),
        gain_(gain),
        ceiling_(ceiling),
        ring_(kLookahead + 1, 1.0),
        sum_(static_cast<double>(kLookahead + 1)),
        release_(1.0 - std::exp(-1.0 / (kReleaseS * kAudioSampleRate))) {}

  // The next out.size() samples. `out` may alias the input at the same
  // positions: input n is read before output n is written.
  void Next(std::span<float> out) {
    for (float& o : out) {
      const size_t n = next_++;
      while (pushed_ < in_.size() && pushed_ <= n + kLookahead) {
        double need = Required(pushed_);
        while (!window_.empty() && window_.back().second >= need) window_.pop_back();
        window_.emplace_back(pushed_++, need);
      }
      while (!window_.empty() && window_.front().first < n) window_.pop_front();
      double h = window_.empty() ? 1.0 : window_.front().second;
      released_ = std::min(h, released_ + (1.0 - released_) * release_);
      double& slot = ring_[n % ring_.size()];
      sum_ += released_ - slot;
      slot = released_;
      double g = std::min(1.0, sum_ / static_cast<double>(ring_.size()));
      double v = in_[n] * gain_ * g;
      o = static_cast<float>(std::clamp(v, -ceiling_, ceiling_));
    }
  }

 private:
  double Required(size_t i) const {
    double v = std::abs(in_[i] * gain_);
    return v > ceiling_ ? ceiling_ / v : 1.0;
  }

  std::span<const float> in_;
  double gain_, ceiling_;
  size_t next_ = 0, pushed_ = 0;
  std::deque<std::pair<size_t, double>> window_;  // increasing index and value
  std::vector<double> ring_;
  double sum_;
  double released_ = 1.0;
  double release_;
};

struct Measured {
  double lufs = 0;
  double true_peak = 0;  // linear
};

// Loudness and true peak of the limited track, streamed (no copy of the track).
Result<Measured> MeasureLimited(std::span<const float> mono, double gain, double ceiling,
                                const std::function<bool()>& stopped) {
  AIPROD_ASSIGN(Ebur128Ptr st, NewMeter(EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK));
  Limiter lim(mono, gain, ceiling);
  std::vector<float> buf(kChunk);
  for (size_t done = 0; done < mono.size(); done += kChunk) {
    if (stopped && stopped()) return Fail(ErrorCode::kCancelled, "render cancelled");
    std::span<float> out(buf.data(), std::min(kChunk, mono.size() - done));
    lim.Next(out);
    AIPROD_TRY(Feed(st.get(), out));
  }
  Measured m;
  AIPROD_ASSIGN(m.lufs, Global(st.get()));
  if (ebur128_true_peak(st.get(), 0, &m.true_peak) != 0) {
    return Fail(ErrorCode::kInternal, "ebur128 failed");
  }
  return m;
}

std::string VoiceFor(const Manifest& m) {
  if (!m.voice.empty()) return m.voice;
  if (const Language* lang = FindLanguage(m.lang); lang && !lang->voice.empty()) {
    return std::string(lang->voice);
  }
  return m.lang;
}

}  // namespace

Result<double> IntegratedLoudness(std::span<const float> mono) {
  AIPROD_ASSIGN(Ebur128Ptr st, NewMeter(EBUR128_MODE_I));
  AIPROD_TRY(Feed(st.get(), mono));
  return Global(st.get());
}

Result<double> TruePeakDbtp(std::span<const float> mono) {
  AIPROD_ASSIGN(Ebur128Ptr st, NewMeter(EBUR128_MODE_TRUE_PEAK));
  AIPROD_TRY(Feed(st.get(), mono));
  double peak = 0;
  if (ebur128_true_peak(st.get(), 0, &peak) != 0)
    return Fail(ErrorCode::kInternal, "ebur128 failed");
  return peak > 0 ? 20 * std::log10(peak) : -std::numeric_limits<double>::infinity();
}

Status NormalizeLoudness(std::vector<float>& mono, double target_lufs, double ceiling_dbtp,
                         const std::function<bool()>& stopped) {
  AIPROD_ASSIGN(double measured, IntegratedLoudness(mono));
  if (!std::isfinite(measured)) return {};  // silence (or too short to gate)
  const double peak_limit = DbToGain(ceiling_dbtp - kPeakMarginDb / 2);
  double ceiling = DbToGain(ceiling_dbtp - kPeakMarginDb);
  // Limiting lowers loudness, and inter-sample peaks can exceed the sample
  // ceiling: adjust gain (secant steps) and ceiling until both targets hold.
  double gain_db = target_lufs - measured;
  std::optional<std::pair<double, double>> prev;  // (gain_db, lufs)
  for (int iter = 0; iter < 10; ++iter) {
    AIPROD_ASSIGN(Measured got, MeasureLimited(mono, DbToGain(gain_db), ceiling, stopped));
    if (!std::isfinite(got.lufs)) break;
    const bool peak_ok = got.true_peak <= peak_limit;
    if (!peak_ok) ceiling *= peak_limit / got.true_peak;
    const double miss = target_lufs - got.lufs;
    if (std::abs(miss) < 0.05 && peak_ok) break;
    double step = miss;
    if (prev && got.lufs != prev->second) {
      const double slope = (got.lufs - prev->second) / (gain_db - prev->first);
      if (slope > 0.05 && slope <= 1.0) step = miss / slope;
    }
    prev = {gain_db, got.lufs};
    gain_db = std::min(gain_db + std::clamp(step, -20.0, 20.0), 60.0);
  }
  Limiter(mono, DbToGain(gain_db), ceiling).Next(mono);
  // Safety net, should the loop not have converged.
  AIPROD_ASSIGN(double peak_db, TruePeakDbtp(mono));
  if (peak_db > ceiling_dbtp - kPeakMarginDb / 2) {
    const auto g = static_cast<float>(DbToGain(ceiling_dbtp - kPeakMarginDb / 2 - peak_db));
    for (float& s : mono) s *= g;
  }
  return {};
}

std::vector<float> MusicGain(const Music& music, const std::vector<NarrationClip>& clips,
                             size_t total) {
  const double sr = kAudioSampleRate;
  // Ducking depth per sample, 0 (none) .. 1 (full), with linear ramps.
  std::vector<float> duck(total, 0.0f);
  const auto lead = static_cast<int64_t>(0.15 * sr), tail = static_cast<int64_t>(0.3 * sr);
  const auto down = static_cast<int64_t>(0.1 * sr), up = static_cast<int64_t>(0.4 * sr);
  const auto n_total = static_cast<int64_t>(total);
  for (const NarrationClip& c : clips) {
    const int64_t b = c.start - lead, e = c.end + tail;
    for (int64_t n = std::max<int64_t>(0, b - down); n < std::min(n_total, e + up); ++n) {
      double d = 1.0;
      if (n < b) d = 1.0 - static_cast<double>(b - n) / static_cast<double>(down);
      if (n >= e) d = 1.0 - static_cast<double>(n - e) / static_cast<double>(up);
      duck[n] = std::max(duck[n], static_cast<float>(std::clamp(d, 0.0, 1.0)));
    }
  }
  std::vector<float> gain(total);
  const double base = DbToGain(music.volume_db), ducked = DbToGain(music.volume_db + music.duck_db);
  const double fade_in = music.fade_in_s * sr, fade_out = music.fade_out_s * sr;
  for (size_t n = 0; n < total; ++n) {
    double g = base + (ducked - base) * duck[n];
    const double from_start = static_cast<double>(n), to_end = static_cast<double>(total - n);
    if (fade_in > 0 && from_start < fade_in) g *= from_start / fade_in;
    if (fade_out > 0 && to_end < fade_out) g *= to_end / fade_out;
    gain[n] = static_cast<float>(g);
  }
  return gain;
}

Status CheckAudio(const Manifest& m, AssetResolver& assets) {
  for (size_t i = 0; i < m.scenes.size(); ++i) {
    const Scene& scene = m.scenes[i];
    if (!scene.narration || scene.narration->text.empty()) continue;
    const double offset = scene.narration->start_s;
    if (!std::isfinite(offset) || offset < 0 || offset >= scene.duration_s) {
      return Invalid(ItemPath("scenes", i) + ".narration.start_s",
                     "must be within the scene (0 <= start_s < duration_s)");
    }
  }
  if (m.audio.music) AIPROD_TRY(assets.Resolve(m.audio.music->asset, "audio.music.asset"));
  if (m.audio.tone) {
    const Tone& tone = *m.audio.tone;
    if (!(tone.frequency_hz > 0 && tone.frequency_hz < kAudioSampleRate / 2.0) ||
        !(tone.amplitude >= 0 && tone.amplitude <= 1)) {
      return Invalid("audio.tone", "needs 0 < frequency_hz < 24000 and 0 <= amplitude <= 1");
    }
  }
  return {};
}

Result<AudioTrack> MixAudio(const Manifest& m, const Timeline& timeline,
                            const RenderSettings& settings, AssetResolver& assets) {
  AIPROD_TRY(CheckAudio(m, assets));
  AudioTrack track;
  const int64_t total =
      (timeline.total_frames() * kAudioSampleRate + timeline.fps() / 2) / timeline.fps();
  track.mono.assign(static_cast<size_t>(total), 0.0f);
  const std::string voice = VoiceFor(m);
  for (size_t i = 0; i < m.scenes.size(); ++i) {
    const Scene& scene = m.scenes[i];
    if (!scene.narration || scene.narration->text.empty()) continue;
    const double offset = scene.narration->start_s;
    const int rate =
        scene.narration->rate_wpm.value_or(m.voice_rate_wpm.value_or(settings.voice_rate_wpm));
    const int pitch = scene.narration->pitch.value_or(m.voice_pitch.value_or(settings.voice_pitch));
    SpeechRequest req{scene.narration->text, voice, rate, pitch};
    auto speech = SynthesizeSpeech(req);
    if (!speech) {
      Error e = speech.error();
      if (e.field == "text") e.field = ItemPath("scenes", i) + ".narration.text";
      if (e.field == "rate_wpm" || e.field == "pitch") {
        e.field = ItemPath("scenes", i) + ".narration." + e.field;
      }
      return Unexpected(std::move(e));
    }
    const int64_t start = std::llround((timeline.SceneStartS(i) + offset) * kAudioSampleRate);
    const int64_t end = std::min<int64_t>(start + static_cast<int64_t>(speech->size()), total);
    for (int64_t n = start; n < end; ++n) track.mono[n] += (*speech)[n - start];
    track.clips.push_back({i, start, std::max(start, end)});
  }
  if (m.audio.music) {
    const Music& music = *m.audio.music;
    const std::string field = "audio.music.asset";
    AIPROD_ASSIGN(ResolvedAsset asset, assets.Resolve(music.asset, field));
    AIPROD_ASSIGN(std::vector<float> bed,
                  DecodeAudioMono48k(asset.path, field, static_cast<size_t>(total)));
    const std::vector<float> gain = MusicGain(music, track.clips, static_cast<size_t>(total));
    for (size_t n = 0; n < static_cast<size_t>(total); ++n) {
      if (!music.loop && n >= bed.size()) break;
      track.mono[n] += bed[n % bed.size()] * gain[n];
    }
  }
  if (m.audio.tone) {
    const Tone& tone = *m.audio.tone;
    const double w = 2 * std::numbers::pi * tone.frequency_hz / kAudioSampleRate;
    for (int64_t n = 0; n < total; ++n) {
      track.mono[n] += static_cast<float>(tone.amplitude * std::sin(w * static_cast<double>(n)));
    }
  }
  return track;
}

}  // namespace aiprod
