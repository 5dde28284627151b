#include "render/speech.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

namespace aiprod {
namespace {

TEST(Speech, SynthesizesTrimmedSpeechAt48k) {
  auto s = SynthesizeSpeech({"Hello world, this is a test.", "en", 160, 50});
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  double seconds = s->size() / 48000.0;
  EXPECT_GT(seconds, 1.0);
  EXPECT_LT(seconds, 4.0);
  // Trimmed: speech starts (and ends) within a few milliseconds.
  float head = 0;
  for (size_t i = 0; i < 480; ++i) head = std::max(head, std::abs((*s)[i]));
  EXPECT_GT(head, 0.002f);
  auto d = SpeechDurationS({"Hello world, this is a test.", "en", 160, 50});
  ASSERT_TRUE(d.has_value());
  EXPECT_NEAR(*d, seconds, 0.001);
}

TEST(Speech, FasterRateIsShorter) {
  auto slow = SpeechDurationS({"One two three four five six seven", "en", 120, 50});
  auto fast = SpeechDurationS({"One two three four five six seven", "en", 300, 50});
  ASSERT_TRUE(slow && fast);
  EXPECT_LT(*fast, *slow * 0.7);
}

TEST(Speech, OtherLanguagesAndEmptyText) {
  for (const char* voice : {"fr", "es", "ca"}) {
    auto d = SpeechDurationS({"Bonjour", voice, 160, 50});
    ASSERT_TRUE(d.has_value()) << voice;
    EXPECT_GT(*d, 0.2);
  }
  auto empty = SynthesizeSpeech({"", "en", 160, 50});
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
}

TEST(Speech, RejectsUnknownVoiceAndBadRates) {
  auto r = SynthesizeSpeech({"Hi", "zz-none", 160, 50});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().field, "voice");
  EXPECT_EQ(SynthesizeSpeech({"Hi", "en", 10, 50}).error().field, "rate_wpm");
  EXPECT_EQ(SynthesizeSpeech({"Hi", "en", 160, 101}).error().field, "pitch");
}

TEST(Speech, ConcurrentCallsAgree) {
  auto reference = SynthesizeSpeech({"Concurrency check", "en", 160, 50});
  ASSERT_TRUE(reference.has_value());
  std::vector<std::vector<float>> out(4);
  {
    std::vector<std::jthread> threads;
    for (auto& o : out) {
      threads.emplace_back([&o] {
        o = SynthesizeSpeech({"Concurrency check", "en", 160, 50}).value();
      });
    }
  }
  for (const auto& o : out) EXPECT_EQ(o, *reference);
}

}  // namespace
}  // namespace aiprod
