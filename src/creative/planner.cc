#include "creative/planner.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "creative/text_split.h"

namespace aiprod {
namespace {

// Words that join clauses (split points for key phrases) in the source
// languages the planner sees most.
constexpr std::array<std::string_view, 16> kConjunctions = {
    "and", "but",  "or", "so", "then", "which", "that", "while",
    "et",  "mais", "ou", "y",  "pero", "i",     "und",  "aber"};
// Words a key phrase should not end on.
constexpr std::array<std::string_view, 28> kFiller = {
    "a",   "an",  "the", "and", "or", "of",  "to",  "in", "on", "at",  "by",  "for", "with", "your",
    "our", "its", "de",  "la",  "le", "les", "des", "du", "el", "los", "las", "en",  "et",   "y"};
constexpr std::array<std::string_view, 30> kCtaVerbs = {
    "order",     "buy",      "get",       "visit",    "call",        "sign",
    "try",       "shop",     "book",      "join",     "download",    "subscribe",
    "contact",   "discover", "start",     "register", "apply",       "learn",
    "commandez", "achetez",  "découvrez", "visitez",  "rendez-vous", "inscrivez-vous",
    "compra",    "pide",     "visita",    "descubre", "reserva",     "llama"};

bool In(std::string_view word, auto const& list) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

std::string Join(const std::vector<std::string>& words, size_t n) {
  std::string out;
  for (size_t i = 0; i < n && i < words.size(); ++i) out += (i ? " " : "") + words[i];
  return out;
}

std::string Bare(const std::string& word) { return ToLowerAscii(StripTrailingPunctuation(word)); }

// Splits a sentence whose narration exceeds `max_s` at clause, then word boundaries.
Result<std::vector<std::string>> SplitLong(const std::string& sentence, double max_s,
                                           const std::string& lang, const SpeechTimer& timer) {
  AIPROD_ASSIGN(double whole, timer(sentence, lang));
  if (whole <= max_s) return std::vector<std::string>{sentence};
  std::vector<std::string> pieces;
  std::vector<std::string> words = SplitWords(sentence);
  size_t parts = static_cast<size_t>(std::ceil(whole / max_s));
  size_t per = std::max<size_t>(1, (words.size() + parts - 1) / parts);
  for (size_t i = 0; i < words.size(); i += per) {
    std::vector<std::string> chunk(words.begin() + i,
                                   words.begin() + std::min(words.size(), i + per));
    pieces.push_back(Join(chunk, chunk.size()));
  }
  return pieces;
}

}  // namespace

SpeechTimer WordRateTimer(double words_per_minute) {
  return [words_per_minute](const std::string& text, const std::string&) -> Result<double> {
    return 60.0 * static_cast<double>(std::max<size_t>(1, CountWords(text))) / words_per_minute;
  };
}

Result<PresetStyle> StyleForPreset(const std::string& preset) {
  Transition fade{Transition::Kind::kCrossfade, 0.3};
  if (preset == "social_ad") return PresetStyle{preset, 4.0, 0.1, 0.25, fade};
  if (preset == "explainer") {
    return PresetStyle{preset, 7.0, 0.3, 0.4, {Transition::Kind::kCrossfade, 0.5}};
  }
  if (preset == "product_demo") return PresetStyle{preset, 5.5, 0.25, 0.35, {}};
  if (preset == "announcement") {
    return PresetStyle{preset, 5.0, 0.3, 0.4, {Transition::Kind::kCrossfade, 0.6}};
  }
  return Invalid("preset", "unknown preset '" + preset + "'");
}

std::string KeyPhrase(const std::string& sentence, int max_words) {
  // Clauses by punctuation, then by conjunctions; the first with two or more words.
  std::vector<std::vector<std::string>> clauses;
  for (const auto& clause : SplitClauses(sentence)) {
    std::vector<std::string> current;
    for (const auto& w : SplitWords(clause)) {
      if (In(Bare(w), kConjunctions) && !current.empty()) {
        clauses.push_back(std::move(current));
        current.clear();
        continue;
      }
      current.push_back(w);
    }
    if (!current.empty()) clauses.push_back(std::move(current));
  }
  std::vector<std::string> words;
  for (const auto& c : clauses) {
    if (c.size() >= 2) {
      words = c;
      break;
    }
  }
  if (words.empty()) words = SplitWords(sentence);
  size_t n = std::min(words.size(), static_cast<size_t>(std::max(1, max_words)));
  while (n > 1 && In(Bare(words[n - 1]), kFiller)) --n;
  return StripTrailingPunctuation(Join(words, n));
}

bool IsCallToAction(const std::string& sentence) {
  auto words = SplitWords(sentence);
  if (words.empty()) return false;
  std::string first = Bare(words[0]);
  // Lower-case the first letter of non-ASCII words too (É -> é is two bytes: skip).
  return In(first, kCtaVerbs);
}

Status RetimeScenes(Manifest& m, const PresetStyle& style, const PlannerConfig& config,
                    const SpeechTimer& timer) {
  for (size_t i = 0; i < m.scenes.size(); ++i) {
    Scene& scene = m.scenes[i];
    double t_in = i == 0 ? 0 : scene.transition.duration_s;
    double next_t = i + 1 < m.scenes.size() ? m.scenes[i + 1].transition.duration_s : 0;
    double speech = 0;
    if (scene.narration) {
      AIPROD_ASSIGN(speech, timer(scene.narration->text, m.lang));
      scene.narration->start_s = t_in + style.lead_s;
    }
    double d =
        std::max(config.min_scene_s, t_in + style.lead_s + speech + std::max(style.tail_s, next_t));
    scene.duration_s = std::round(d * 1000) / 1000;
  }
  return {};
}

void FitToHint(Manifest& m, double hint_s, double max_scene_s) {
  // Speech is never rushed or cut: a video shorter than the hint gets longer
  // pauses after each scene's narration, up to the hint's lower bound; one
  // longer than the hint stays as long as its narration needs.
  double total = m.TotalDuration();
  double target = kHintTolerance * hint_s + 0.02 * hint_s;  // a little inside the bound
  if (total >= target || m.scenes.empty()) return;
  double extra = (target - total) / static_cast<double>(m.scenes.size());
  for (auto& s : m.scenes) {
    s.duration_s = std::min(max_scene_s, std::round((s.duration_s + extra) * 1000) / 1000);
  }
}

DeterministicPlanner::DeterministicPlanner(PlannerConfig config, SpeechTimer timer,
                                           ManifestLimits limits)
    : config_(config), timer_(std::move(timer)), limits_(limits) {}

Result<Manifest> DeterministicPlanner::Plan(const Brief& brief) const {
  AIPROD_ASSIGN(PresetStyle style, StyleForPreset(brief.preset));
  const std::string& lang = brief.lang;
  // Per scene: fade in, lead-in silence, speech, then a tail long enough for
  // the next scene's fade.
  double overhead = style.lead_s + std::max(style.tail_s, style.transition.duration_s);
  double max_speech = config_.max_scene_s - overhead - style.transition.duration_s;
  if (max_speech <= 0.5) {
    return Invalid("planner.max_scene_s", "leaves no time for narration in preset " + style.name);
  }

  // Sentences, long ones split, then grouped into scenes of about the preset's length.
  std::vector<std::string> pieces;
  for (const auto& s : SplitSentences(brief.content)) {
    AIPROD_ASSIGN(auto split, SplitLong(s, max_speech, lang, timer_));
    pieces.insert(pieces.end(), split.begin(), split.end());
  }
  if (pieces.empty()) return Invalid("content", "has no sentences to narrate");
  bool cta = IsCallToAction(pieces.back());

  struct Group {
    std::vector<std::string> sentences;
    double speech_s = 0;
  };
  std::vector<Group> groups;
  for (size_t i = 0; i < pieces.size(); ++i) {
    AIPROD_ASSIGN(double d, timer_(pieces[i], lang));
    bool last_is_cta = cta && i + 1 == pieces.size();
    if (!groups.empty() && !last_is_cta) {
      Group& g = groups.back();
      std::string joined;
      for (const auto& s : g.sentences) joined += s + " ";
      joined += pieces[i];
      AIPROD_ASSIGN(double together, timer_(joined, lang));
      bool short_group = g.speech_s + overhead < config_.min_scene_s;
      if (together <= max_speech && (short_group || together <= style.target_scene_s - overhead)) {
        g.sentences.push_back(pieces[i]);
        g.speech_s = together;
        continue;
      }
    }
    groups.push_back({{pieces[i]}, d});
  }
  if (groups.size() > limits_.max_scenes) {
    return Invalid("content", "needs " + std::to_string(groups.size()) + " scenes; the limit is " +
                                  std::to_string(limits_.max_scenes));
  }

  Manifest m;
  m.lang = lang;
  m.title = KeyPhrase(pieces.front(), config_.max_words_on_screen);
  for (size_t i = 0; i < groups.size(); ++i) {
    const Group& g = groups[i];
    Scene scene;
    scene.id = "s" + std::to_string(i + 1);
    scene.transition = i == 0 ? Transition{} : style.transition;
    std::string narration;
    for (const auto& s : g.sentences) narration += (narration.empty() ? "" : " ") + s;
    scene.narration = Narration{narration, 0};
    bool is_cta = cta && i + 1 == groups.size();
    Layer layer;
    layer.kind = Layer::Kind::kText;
    layer.text.text = KeyPhrase(g.sentences.front(), config_.max_words_on_screen);
    layer.text.role = is_cta ? TextRole::kCta : TextRole::kTitle;
    scene.layers.push_back(std::move(layer));
    m.scenes.push_back(std::move(scene));
  }
  AIPROD_TRY(RetimeScenes(m, style, config_, timer_));
  if (brief.duration_hint_s) FitToHint(m, *brief.duration_hint_s, limits_.max_scene_s);
  return m;
}

}  // namespace aiprod
