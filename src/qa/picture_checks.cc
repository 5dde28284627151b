#include "qa/picture_checks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "qa/text_match.h"

namespace aiprod {
namespace {

double Round3(double v) { return std::isfinite(v) ? std::round(v * 1000) / 1000 : -1000; }
double Round5(double v) { return std::isfinite(v) ? std::round(v * 1e5) / 1e5 : -1000; }

std::string Seconds(double t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", t);
  return buf;
}

void Add(QaReport& r, std::string name, Json value, Json threshold, bool passed,
         std::string detail) {
  r.checks.push_back({std::move(name), std::move(value), std::move(threshold), passed,
                      passed ? std::string() : std::move(detail)});
}

// Up to three problems, then how many more.
std::string Join(const std::vector<std::string>& problems) {
  std::string out;
  for (size_t i = 0; i < problems.size() && i < 3; ++i) out += (i ? "; " : "") + problems[i];
  if (problems.size() > 3) out += "; and " + std::to_string(problems.size() - 3) + " more";
  return out;
}

}  // namespace

const PictureSample* PictureSamples::At(double t) const {
  auto it = by_time.find(t);
  if (it == by_time.end() || samples[it->second].shown_s < 0) return nullptr;
  return &samples[it->second];
}

void BlackFrameCheck(const QaPlan& plan, const PictureSamples& s, const QaSettings& settings,
                     QaReport& report) {
  size_t sampled = 0, black = 0;
  std::vector<std::string> problems;
  for (const auto& sp : plan.scenes) {
    for (double t : sp.black_times) {
      const PictureSample* p = s.At(t);
      if (!p) continue;
      ++sampled;
      if (p->dark_fraction < settings.black_fraction) continue;
      ++black;
      problems.push_back("scene " + std::to_string(sp.scene) + " is black at " + Seconds(t));
    }
  }
  Add(report, "black_frames", {{"black", black}, {"sampled", sampled}},
      {{"black", 0}, {"dark_fraction", settings.black_fraction}}, black == 0, Join(problems));
}

void FrozenFrameCheck(const QaPlan& plan, const PictureSamples& s, const QaSettings& settings,
                      QaReport& report) {
  size_t checked = 0, frozen = 0;
  double least = 1;
  std::vector<std::string> problems;
  for (const auto& m : plan.motion) {
    const PictureSample *a = s.At(m.from_s), *b = s.At(m.to_s);
    if (!a || !b) continue;
    ++checked;
    double change = ChangedFraction(a->thumb, b->thumb);
    least = std::min(least, change);
    if (change >= settings.frozen_max_change) continue;
    ++frozen;
    problems.push_back("no change from " + Seconds(m.from_s) + " to " + Seconds(m.to_s) + " (" +
                       m.reason + ")");
  }
  Add(report, "frozen_frames",
      {{"frozen", frozen}, {"checked", checked}, {"least_change", Round5(checked ? least : 0)}},
      {{"frozen", 0}, {"min_change", settings.frozen_max_change}}, frozen == 0, Join(problems));
}

void PaletteCheck(const QaPlan& plan, const PictureSamples& s, const QaSettings& settings,
                  QaReport& report) {
  size_t checked = 0;
  double worst = 1;  // the lowest share/required ratio seen
  std::vector<std::string> problems;
  for (const auto& sp : plan.scenes) {
    const PictureSample* p = s.At(sp.look_s);
    if (sp.palette.empty() || !p) continue;
    ++checked;
    for (size_t k = 0; k < sp.palette.size(); ++k) {
      const double need = k == 0 ? settings.palette_background_share : settings.palette_min_share;
      const double share = ShareNear(p->colours, sp.palette[k], settings.palette_max_delta_e);
      worst = std::min(worst, share / need);
      if (share >= need) continue;
      problems.push_back("scene " + std::to_string(sp.scene) + ": " + sp.palette[k].ToHex() +
                         " covers " + FormatNumber(Round3(share * 100)) + "% of the picture");
    }
  }
  Add(report, "brand_palette",
      {{"scenes", checked}, {"missing", problems.size()}, {"worst_ratio", Round3(worst)}},
      {{"max_delta_e", settings.palette_max_delta_e},
       {"background_share", settings.palette_background_share},
       {"colour_share", settings.palette_min_share}},
      problems.empty(), Join(problems));
}

void OcrChecks(const QaPlan& plan, const std::map<size_t, OcrText>& read,
               const QaSettings& settings, QaReport& report) {
  for (const auto& sp : plan.scenes) {
    if (sp.texts.empty()) continue;
    std::string name = "ocr_text[" + std::to_string(sp.scene) + "]";
    auto it = read.find(sp.scene);
    if (it == read.end()) {
      Add(report, name, nullptr, {{"max_cer", settings.ocr_max_cer}}, false,
          "no picture at " + Seconds(sp.look_s) + " to read");
      continue;
    }
    double cer = CharacterErrorRate(sp.texts, it->second.text);
    std::string seen = it->second.text;
    for (char& c : seen) c = c == '\n' ? ' ' : c;
    while (!seen.empty() && seen.back() == ' ') seen.pop_back();
    if (seen.size() > 120) {  // cut at a character boundary: the report must stay UTF-8
      size_t n = 120;
      while (n > 0 && (static_cast<unsigned char>(seen[n]) & 0xC0) == 0x80) --n;
      seen.resize(n);
    }
    std::string expected;
    for (const auto& t : sp.texts) expected += (expected.empty() ? "" : " | ") + t;
    Add(report, name, {{"cer", Round3(cer)}, {"read", seen}, {"confidence", it->second.confidence}},
        {{"max_cer", settings.ocr_max_cer}, {"expected", expected}}, cer <= settings.ocr_max_cer,
        "scene " + std::to_string(sp.scene) + " at " + Seconds(sp.look_s) + " reads \"" + seen +
            "\", expected \"" + expected + "\"");
  }
}

}  // namespace aiprod
