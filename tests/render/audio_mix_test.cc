#include "render/audio_mix.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "render_fixtures.h"

namespace aiprod {
namespace {

std::vector<float> Sine(double seconds, double freq, double amp) {
  std::vector<float> s(static_cast<size_t>(seconds * 48000));
  for (size_t n = 0; n < s.size(); ++n) {
    s[n] = static_cast<float>(amp * std::sin(2 * std::numbers::pi * freq * n / 48000.0));
  }
  return s;
}

TEST(AudioMix, LoudnessOfAKnownTone) {
  // A 1 kHz sine at -20 dBFS peak in both channels: about -20 LUFS (+3 for
  // two channels, -3 for sine RMS).
  auto tone = Sine(5, 1000, 0.1);
  auto lufs = IntegratedLoudness(tone);
  ASSERT_TRUE(lufs.has_value());
  EXPECT_NEAR(*lufs, -20.0, 0.3);
  auto tp = TruePeakDbtp(tone);
  EXPECT_NEAR(*tp, -20.0, 0.2);
}

TEST(AudioMix, NormalisesUpToTheTarget) {
  auto tone = Sine(5, 440, 0.05);
  ASSERT_TRUE(NormalizeLoudness(tone, -16, -1).has_value());
  EXPECT_NEAR(*IntegratedLoudness(tone), -16.0, 0.1);
}

// A render cancelled while its soundtrack is being normalised stops within a
// measuring pass, leaving the track as it was.
TEST(AudioMix, NormalisationStopsWhenAsked) {
  const auto original = Sine(5, 440, 0.05);
  auto tone = original;
  int asked = 0;
  auto r = NormalizeLoudness(tone, -16, -1, [&] { return ++asked > 3; });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(asked, 4);
  EXPECT_TRUE(tone == original);
}

TEST(AudioMix, LimitsPeaksOfSpikySignals) {
  // Quiet noise with loud clicks: reaching -14 LUFS needs limiting.
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0, 0.02f);
  std::vector<float> s(48000 * 6);
  for (size_t n = 0; n < s.size(); ++n) s[n] = noise(rng) + (n % 4800 < 24 ? 0.9f : 0.0f);
  ASSERT_TRUE(NormalizeLoudness(s, -14, -1).has_value());
  EXPECT_NEAR(*IntegratedLoudness(s), -14.0, 0.5);
  EXPECT_LE(*TruePeakDbtp(s), -1.0);
}

TEST(AudioMix, SilenceStaysSilent) {
  std::vector<float> s(48000, 0.0f);
  ASSERT_TRUE(NormalizeLoudness(s, -16, -1).has_value());
  EXPECT_EQ(*std::max_element(s.begin(), s.end()), 0.0f);
}

TEST(AudioMix, PlacesNarrationAndTone) {
  Manifest m = testing::ThreeSceneManifest();
  m.scenes[2].narration = Narration{"Goodbye", 0.1};
  m.audio.tone = Tone{440, 0.1};
  auto tl = Timeline::Build(m, 30);
  ASSERT_TRUE(tl.has_value());
  AssetResolver assets("", {});
  auto track = MixAudio(m, *tl, RenderSettings{}, assets);
  ASSERT_TRUE(track.has_value()) << track.error().ToString();
  EXPECT_EQ(track->mono.size(), 124800u);
  ASSERT_EQ(track->clips.size(), 2u);
  EXPECT_EQ(track->clips[0].start, 9600);
  EXPECT_EQ(track->clips[1].scene, 2u);
  EXPECT_EQ(track->clips[1].start, 81600);  // scene 2 starts at 1.6 s
  EXPECT_LE(track->clips[1].end, static_cast<int64_t>(track->mono.size()));
  // Before any speech, only the tone: sin(2*pi*440*n/48000) * 0.1.
  EXPECT_NEAR(track->mono[100], 0.1 * std::sin(2 * std::numbers::pi * 440 * 100 / 48000.0), 1e-6);
}

}  // namespace
}  // namespace aiprod
