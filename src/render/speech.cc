#include "render/speech.h"

#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "media/av_handles.h"
#include "render/speech_helper.h"

namespace aiprod {
namespace {

bool ValidVoiceName(const std::string& v) {
  if (v.empty() || v.size() > 64) return false;
  return std::ranges::all_of(v, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '+';
  });
}

Result<RawSpeech> SynthesizeRaw(const SpeechRequest& r) {
  if (r.rate_wpm < espeakRATE_MINIMUM || r.rate_wpm > espeakRATE_MAXIMUM) {
    return Invalid("rate_wpm", "must be between 80 and 450 words per minute");
  }
  if (r.pitch < 0 || r.pitch > 100) return Invalid("pitch", "must be between 0 and 100");
  if (!ValidVoiceName(r.voice)) return Invalid("voice", "espeak-ng has no voice '" + r.voice + "'");
  return SynthesizeWithHelper(r);
}

// Samples quieter than this (about -50 dBFS) count as silence when trimming.
constexpr int kSilenceThreshold = 100;

// [first, last) of the samples louder than the silence threshold.
std::pair<size_t, size_t> AudibleRange(const std::vector<int16_t>& s) {
  size_t first = 0, last = s.size();
  while (first < last && std::abs(s[first]) < kSilenceThreshold) ++first;
  while (last > first && std::abs(s[last - 1]) < kSilenceThreshold) --last;
  return {first, last};
}

Result<std::vector<float>> Resample(const int16_t* in, size_t count, int in_rate) {
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  SwrContext* raw = nullptr;
  int err = swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_FLT, kAudioSampleRate, &mono,
                                AV_SAMPLE_FMT_S16, in_rate, 0, nullptr);
  av::SwrPtr swr(raw);
  if (err < 0) return av::AvFail("swr_alloc_set_opts2", err);
  if ((err = swr_init(swr.get())) < 0) return av::AvFail("swr_init", err);

  std::vector<float> out(
      static_cast<size_t>(swr_get_out_samples(swr.get(), static_cast<int>(count))) + 256);
  auto* in_planes = reinterpret_cast<const uint8_t*>(in);
  auto* out_planes = reinterpret_cast<uint8_t*>(out.data());
  int got = swr_convert(swr.get(), &out_planes, static_cast<int>(out.size()), &in_planes,
                        static_cast<int>(count));
  if (got < 0) return av::AvFail("swr_convert", got);
  size_t total = static_cast<size_t>(got);
  for (;;) {  // drain the filter's delay line
    out_planes = reinterpret_cast<uint8_t*>(out.data() + total);
    int left = static_cast<int>(out.size() - total);
    int n = swr_convert(swr.get(), &out_planes, left, nullptr, 0);
    if (n < 0) return av::AvFail("swr_convert", n);
    if (n == 0) break;
    total += static_cast<size_t>(n);
    if (total == out.size()) out.resize(out.size() + 1024);
  }
  // The resampled tail ends where the input ended.
  size_t expected =
      (count * kAudioSampleRate + static_cast<size_t>(in_rate) / 2) / static_cast<size_t>(in_rate);
  out.resize(std::min(total, expected));
  return out;
}

}  // namespace

Result<std::vector<float>> SynthesizeSpeech(const SpeechRequest& request) {
  AIPROD_ASSIGN(RawSpeech raw, SynthesizeRaw(request));
  auto [first, last] = AudibleRange(raw.samples);
  if (first == last) return std::vector<float>{};
  return Resample(raw.samples.data() + first, last - first, raw.rate);
}

Result<double> SpeechDurationS(const SpeechRequest& request) {
  AIPROD_ASSIGN(RawSpeech raw, SynthesizeRaw(request));
  auto [first, last] = AudibleRange(raw.samples);
  return static_cast<double>(last - first) / raw.rate;
}

}  // namespace aiprod
