#include "pipeline/engines.h"

#include <mutex>

#include "model/language.h"
#include "pipeline/stage.h"
#include "providers/translate/apertium.h"
#include "providers/tts/espeak.h"
#include "render/renderer.h"
#include "store/job_queries.h"

namespace aiprod {
namespace {

class LocalRenderer final : public Renderer {
 public:
  Result<Rendition> Render(const Manifest& m, const RenderSettings& settings,
                           const std::string& out_path, const std::function<void(double)>& progress,
                           const std::atomic<bool>* cancel) const override {
    AIPROD_ASSIGN(RenderedVideo r, RenderVideo(m, settings, out_path, progress, cancel));
    return ToRendition(r);
  }
};

class LocalVideoChecker final : public VideoChecker {
 public:
  Result<QaReport> Check(const VideoQaRequest& request, VideoQaTimings* timings) const override {
    return RunVideoQa(request, timings);
  }
};

// Opens the configured store on first use and keeps it; until it opens, each
// call tries again (the deliver stage used to open it on every run).
class LazyArtifactStore final : public ArtifactStore {
 public:
  explicit LazyArtifactStore(const Config& config) : config_(config) {}

  Result<ArtifactInfo> PutFile(const std::string& path, std::string_view ext) override {
    AIPROD_ASSIGN(ArtifactStore * s, Open());
    return s->PutFile(path, ext);
  }
  Result<ArtifactInfo> PutBytes(std::string_view data, std::string_view ext) override {
    AIPROD_ASSIGN(ArtifactStore * s, Open());
    return s->PutBytes(data, ext);
  }
  Result<ArtifactInfo> Stat(const std::string& key) override {
    AIPROD_ASSIGN(ArtifactStore * s, Open());
    return s->Stat(key);
  }
  Status Fetch(const std::string& key, const std::string& dest) override {
    AIPROD_ASSIGN(ArtifactStore * s, Open());
    return s->Fetch(key, dest);
  }
  Result<std::vector<ArtifactInfo>> List() override {
    AIPROD_ASSIGN(ArtifactStore * s, Open());
    return s->List();
  }
  Status Remove(const std::string& key) override {
    AIPROD_ASSIGN(ArtifactStore * s, Open());
    return s->Remove(key);
  }
  std::optional<std::string> LocalPath(const std::string& key) const override {
    auto s = Open();
    return s ? (*s)->LocalPath(key) : std::nullopt;
  }
  std::string Describe() const override {
    auto s = Open();
    return s ? (*s)->Describe() : "unavailable: " + s.error().ToString();
  }

 private:
  Result<ArtifactStore*> Open() const {
    std::lock_guard lock(mu_);
    if (!store_) {
      AIPROD_ASSIGN(store_, OpenArtifactStore(config_));
    }
    return store_.get();
  }

  const Config& config_;
  mutable std::mutex mu_;
  mutable std::unique_ptr<ArtifactStore> store_;  // guarded by mu_
};

// The deterministic planner with the configuration as it is at each call
// (tests adjust it between jobs).
class ConfiguredPlanner final : public Planner {
 public:
  ConfiguredPlanner(const Config& config, const SpeechEngine& speech)
      : config_(config), speech_(speech) {}
  Result<Manifest> Plan(const Brief& brief) const override {
    DeterministicPlanner planner(config_.planner, VoiceTimer(speech_, config_.render),
                                 ManifestLimitsFor(config_));
    return planner.Plan(brief);
  }

 private:
  const Config& config_;
  const SpeechEngine& speech_;
};

class QueriesSpendLedger final : public SpendLedger {
 public:
  explicit QueriesSpendLedger(JobQueries& queries) : queries_(queries) {}
  Result<double> BrandSpendSince(const std::string& brand_id, int64_t since_ms) const override {
    AIPROD_ASSIGN(auto spend, queries_.SpendSince(since_ms));
    for (const auto& s : spend) {
      if (s.brand_id == brand_id) return s.usd;
    }
    return 0.0;
  }

 private:
  JobQueries& queries_;
};

}  // namespace

SpeechTimer VoiceTimer(const SpeechEngine& speech, const RenderConfig& rc) {
  return [&speech, rc](const std::string& text, const std::string& lang) {
    const Language* l = FindLanguage(lang);
    return speech.DurationS(
        {text, l ? std::string(l->voice) : lang, rc.voice_rate_wpm, rc.voice_pitch});
  };
}

void Engines::Attach(PipelineServices& services) const {
  services.speech = speech.get();
  services.planner = planner.get();
  services.translator = translator.get();
  services.renderer = renderer.get();
  services.checker = checker.get();
  services.artifacts = artifacts.get();
}

Engines MakeEngines(const Config& config) {
  Engines e;
  e.speech = MakeEspeakSpeechEngine();
  e.planner = std::make_unique<ConfiguredPlanner>(config, *e.speech);
  e.translator = std::make_unique<ApertiumTranslator>();
  e.renderer = std::make_unique<LocalRenderer>();
  e.checker = std::make_unique<LocalVideoChecker>();
  e.artifacts = std::make_unique<LazyArtifactStore>(config);
  return e;
}

std::unique_ptr<SpendLedger> MakeSpendLedger(JobQueries& queries) {
  return std::make_unique<QueriesSpendLedger>(queries);
}

}  // namespace aiprod
