// Fakes of the pipeline's engines (pipeline/engines.h) for stage unit tests:
// each stage runs on an in-memory Job with these, no store, no FFmpeg.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "pipeline/engines.h"
#include "pipeline/stage.h"
#include "pipeline/stages/stages.h"
#include "testing/temp_dir.h"

namespace aiprod::testing {

// 0.4 s per word, in any voice.
class FakeSpeech final : public SpeechEngine {
 public:
  Result<std::vector<float>> Synthesize(const SpeechText& t) const override {
    AIPROD_ASSIGN(double s, DurationS(t));
    return std::vector<float>(static_cast<size_t>(s * 48000), 0.0f);
  }
  Result<double> DurationS(const SpeechText& t) const override {
    voices.push_back(t.voice);
    size_t words = 0;
    bool in_word = false;
    for (char c : t.text) {
      bool space = c == ' ';
      words += !space && !in_word;
      in_word = !space;
    }
    return 0.4 * static_cast<double>(words);
  }
  mutable std::vector<std::string> voices;  // asked for, in order
};

// Plans with the deterministic planner timed by word rate; counts its calls.
class FakePlanner final : public Planner {
 public:
  Result<Manifest> Plan(const Brief& brief) const override {
    ++calls;
    if (fail) return Fail(ErrorCode::kInvalidInput, "the planner refuses", "content");
    return DeterministicPlanner(PlannerConfig{}, WordRateTimer(150)).Plan(brief);
  }
  mutable int calls = 0;
  bool fail = false;
};

// "<to>:" before every text; en<->fr and en<->es directly.
class FakeTranslator final : public Translator {
 public:
  std::vector<LangPair> DirectPairs() const override {
    return {{"en", "es"}, {"en", "fr"}, {"es", "en"}, {"fr", "en"}};
  }
  Result<std::vector<std::string>> TranslateDirect(const std::vector<std::string>& texts,
                                                   const std::string&,
                                                   const std::string& to) const override {
    std::vector<std::string> out;
    for (const auto& t : texts) out.push_back(to + ": " + t);
    return out;
  }
};

// Writes a small file where the video goes; fails when told to.
class FakeRenderer final : public Renderer {
 public:
  Result<Rendition> Render(const Manifest& m, const RenderSettings& s, const std::string& out_path,
                           const std::function<void(double)>& progress,
                           const std::atomic<bool>*) const override {
    if (fail) return std::unexpected(*fail);
    std::ofstream(out_path) << "fake video of " << m.lang << " " << s.width << "x" << s.height;
    if (progress) progress(1);
    Rendition r;
    r.video = out_path;
    r.width = s.width;
    r.height = s.height;
    r.duration_s = m.TotalDuration();
    r.narration_cues.push_back({0, 0.5, 1.5});
    r.render_seconds = 0.25;
    renders.push_back(out_path);
    return r;
  }
  std::optional<Error> fail;
  mutable std::vector<std::string> renders;
};

// Returns `report` (or `error`) for every file; records the requests.
class FakeChecker final : public VideoChecker {
 public:
  Result<QaReport> Check(const VideoQaRequest& req, VideoQaTimings*) const override {
    requests.push_back(req);
    if (error) return std::unexpected(*error);
    return report;
  }
  QaReport report;
  std::optional<Error> error;
  mutable std::vector<VideoQaRequest> requests;
};

// The brand's spend this month, as the test sets it.
class FakeSpend final : public SpendLedger {
 public:
  Result<double> BrandSpendSince(const std::string& brand_id, int64_t) const override {
    asked.push_back(brand_id);
    if (error) return std::unexpected(*error);
    return usd;
  }
  double usd = 0;
  std::optional<Error> error;
  mutable std::vector<std::string> asked;
};

// A stage test: the fakes wired into PipelineServices, a job in memory, and
// Run() to call one stage with a context built like the runner builds it.
class StageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.data_dir = dir_.path();
    auto artifacts = OpenLocalArtifactStore(dir_.File("artifacts"));
    ASSERT_TRUE(artifacts);
    artifacts_ = std::move(*artifacts);
    services_.config = &config_;
    services_.clock = &clock_;
    services_.speech = &speech_;
    services_.planner = &planner_;
    services_.translator = &translator_;
    services_.renderer = &renderer_;
    services_.checker = &checker_;
    services_.artifacts = artifacts_.get();
    services_.spend = &spend_;
    job_.id = "job-1";
    job_.brief.content = "Fresh coffee every morning. Order today and save.";
    job_.brief.target_langs = {"en"};
    job_.brief.aspect_ratios = {"16:9"};
  }

  StageOutcome Run(std::unique_ptr<Stage> stage, int sent_back = 0) {
    std::filesystem::create_directories(dir_.File("work"));
    StageContext ctx{job_, services_, dir_.File("work"), cancel_, [](double) {}, log_, sent_back};
    return stage->Run(ctx);
  }

  // Plans the job with the fake planner (the manifest later stages read).
  void Plan() {
    StageOutcome o = Run(MakePlanStage());
    ASSERT_EQ(o.kind, StageOutcome::Kind::kDone) << o.error.ToString();
    job_.production_manifest = *o.patch.production_manifest;
  }

  TempDir dir_;
  Config config_;
  SystemClock clock_;
  FakeSpeech speech_;
  FakePlanner planner_;
  FakeTranslator translator_;
  FakeRenderer renderer_;
  FakeChecker checker_;
  FakeSpend spend_;
  std::unique_ptr<ArtifactStore> artifacts_;
  PipelineServices services_;
  Job job_;
  std::atomic<bool> cancel_{false};
  Logger log_ = Logger::Null();
};

}  // namespace aiprod::testing
