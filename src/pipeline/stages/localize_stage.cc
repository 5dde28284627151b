// localize (visual translation): one variant per target language. Narration
// and on-screen text are translated (through a pivot language where no direct
// pair exists), brand terms are kept, and scenes are re-timed to the new
// narration with the language's own voice; text direction follows the language.
#include <cctype>

#include "creative/text_split.h"
#include "model/language.h"
#include "pipeline/stages/stages.h"

namespace aiprod {
namespace {

// Every translatable string of a manifest, in a fixed order, and its way back.
std::vector<std::string*> Texts(Manifest& m) {
  std::vector<std::string*> out;
  for (auto& s : m.scenes) {
    if (s.narration) out.push_back(&s.narration->text);
    for (auto& l : s.layers) {
      if (l.kind == Layer::Kind::kText) out.push_back(&l.text.text);
    }
  }
  return out;
}

// Engines return stray spaces and drop the capital of a sentence start.
std::string Tidy(const std::string& source, const std::string& translated) {
  std::string out = Trim(translated);
  bool capital = !source.empty() && std::isupper(static_cast<unsigned char>(source[0]));
  if (capital && !out.empty() && std::islower(static_cast<unsigned char>(out[0]))) {
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  }
  return out;
}

// On-screen text that the planner derived from the narration is derived again
// from the translated narration: a translated fragment reads worse than a
// fragment of a translated sentence. Text written by people stays translated.
void RederiveKeyPhrases(const Manifest& source, Manifest& v, int max_words) {
  for (size_t i = 0; i < v.scenes.size(); ++i) {
    const Scene& src = source.scenes[i];
    Scene& dst = v.scenes[i];
    if (!src.narration || !dst.narration) continue;
    auto src_sentences = SplitSentences(src.narration->text);
    auto dst_sentences = SplitSentences(dst.narration->text);
    if (src_sentences.empty() || dst_sentences.empty()) continue;
    std::string planned = KeyPhrase(src_sentences.front(), max_words);
    for (size_t k = 0; k < dst.layers.size(); ++k) {
      if (src.layers[k].kind == Layer::Kind::kText && src.layers[k].text.text == planned) {
        dst.layers[k].text.text = KeyPhrase(dst_sentences.front(), max_words);
      }
    }
  }
}

class LocalizeStage final : public Stage {
 public:
  std::string_view Name() const override { return "localize"; }
  JobState State() const override { return JobState::kLocalizing; }

  StageOutcome Run(const StageContext& ctx) const override {
    auto pm = JobManifest(ctx.job);
    if (!pm) return StageOutcome::FromError(pm.error());
    Manifest source = pm->variants.front();
    std::string note;
    auto kit = ResolveBrandKit(ctx, &note);
    if (!kit) return StageOutcome::FromError(kit.error());
    std::vector<std::string> keep = kit->do_not_translate;
    if (!kit->name.empty()) keep.push_back(kit->name);

    auto style = StyleForPreset(ctx.job.brief.preset);
    if (!style) return StageOutcome::FromError(style.error());
    SpeechTimer timer = VoiceTimer(*ctx.services.speech, ctx.services.config->render);

    std::vector<Manifest> variants;
    Json routes = Json::array();
    const auto& targets = ctx.job.brief.target_langs;
    for (size_t i = 0; i < targets.size(); ++i) {
      const std::string& lang = targets[i];
      if (lang == source.lang) {
        variants.push_back(source);
        continue;
      }
      if (!ctx.services.translator) {
        return StageOutcome::FromError(
            {ErrorCode::kInvalidInput, "no translator configured", "target_langs"});
      }
      Manifest v = source;
      auto slots = Texts(v);
      std::vector<std::string> texts;
      for (auto* t : slots) texts.push_back(*t);
      auto route = FindRoute(ctx.services.translator->DirectPairs(), source.lang, lang);
      if (!route) return StageOutcome::FromError(route.error());
      auto translated = Translate(*ctx.services.translator, texts, source.lang, lang, keep);
      if (!translated) return StageOutcome::FromError(translated.error());
      for (size_t k = 0; k < slots.size(); ++k) *slots[k] = Tidy(texts[k], (*translated)[k]);
      RederiveKeyPhrases(source, v, ctx.services.config->planner.max_words_on_screen);
      v.lang = lang;
      const Language* l = FindLanguage(lang);
      v.voice = l ? std::string(l->voice) : lang;
      v.rtl = l && l->rtl;
      if (auto st = RetimeScenes(v, *style, ctx.services.config->planner, timer); !st) {
        return StageOutcome::FromError(st.error());
      }
      if (ctx.job.brief.duration_hint_s) {
        FitToHint(v, *ctx.job.brief.duration_hint_s, ManifestLimits{}.max_scene_s);
      }
      routes.push_back({{"lang", lang}, {"route", *route}});
      variants.push_back(std::move(v));
      ctx.progress(static_cast<double>(i + 1) / static_cast<double>(targets.size()));
    }
    if (variants.empty()) variants.push_back(source);
    pm->variants = std::move(variants);
    Json j = ProductionManifestToJson(*pm);
    JobPatch patch;
    patch.production_manifest = j;
    Json langs = Json::array();
    for (const auto& v : pm->variants) langs.push_back(v.lang);
    return StageOutcome::Done({{"variants", langs}, {"translations", routes}}, std::move(patch));
  }
};

}  // namespace

std::unique_ptr<Stage> MakeLocalizeStage() { return std::make_unique<LocalizeStage>(); }

}  // namespace aiprod
