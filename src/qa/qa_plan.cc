#include "qa/qa_plan.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "model/animation.h"
#include "model/language.h"

namespace aiprod {
namespace {

using Prop = Animation::Property;

double LumaOf(Color c) { return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b; }

// Fraction of the background at or below `dark` luma; 1 when unknown (pictures).
double BackgroundDarkFraction(const Background& bg, double dark) {
  switch (bg.kind) {
    case Background::Kind::kSolid:
      return LumaOf(bg.color) <= dark ? 1 : 0;
    case Background::Kind::kLinear: {
      // Luma is linear along the gradient: solve L(u) = dark.
      double lf = LumaOf(bg.from), lt = LumaOf(bg.to);
      if (lf <= dark && lt <= dark) return 1;
      if (lf > dark && lt > dark) return 0;
      double u = (dark - lf) / (lt - lf);
      return lf <= dark ? u : 1 - u;
    }
    default:
      return 1;
  }
}

// Share of the output the canvas covers (scaled uniformly and centred).
double CanvasCover(const Canvas& c, int width, int height) {
  if (c.width <= 0 || c.height <= 0 || width <= 0 || height <= 0) return 1;
  double scale =
      std::min(static_cast<double>(width) / c.width, static_cast<double>(height) / c.height);
  return std::min(1.0, c.width * scale * c.height * scale / (static_cast<double>(width) * height));
}

// Whether animating `a` visibly changes the picture (thresholds well above
// encoding noise, well below what a viewer notices).
bool VisibleChange(const Animation& a, const Canvas& canvas) {
  double d = std::abs(a.to - a.from);
  switch (a.property) {
    case Prop::kOpacity:
    case Prop::kReveal:
      return d >= 0.3;
    case Prop::kScale:
      return d >= 0.15 * std::max(std::abs(a.from), std::abs(a.to));
    case Prop::kX:
      return d >= 0.02 * canvas.width;
    case Prop::kY:
      return d >= 0.02 * canvas.height;
  }
  return false;
}

bool LayerHasContent(const Layer& l, const Canvas& canvas) {
  switch (l.kind) {
    case Layer::Kind::kText:
      return !l.text.text.empty() && l.text.color.a >= 64;
    case Layer::Kind::kRect:
      return l.rect.color.a >= 64 &&
             l.rect.box.w * l.rect.box.h >= 0.001 * canvas.width * canvas.height;
    default:
      return true;  // pictures
  }
}

// What a scene looks like, for telling whether two scenes differ.
std::string LookSignature(const Scene& s) {
  Json j = SceneToJson(s);
  for (const char* k : {"id", "narration", "transition", "duration_s"}) j.erase(k);
  return j.dump();
}

size_t WordCount(const std::string& text) {
  std::istringstream in(text);
  size_t n = 0;
  for (std::string w; in >> w;) ++n;
  return n;
}

}  // namespace

QaSettings QaSettingsFromConfig(const Config& c) {
  QaSettings s;
  s.loudness_lufs = c.render.loudness_lufs;
  s.true_peak_dbtp = c.render.true_peak_dbtp;
  s.duration_tolerance_s = c.qa.duration_tolerance_s;
  s.loudness_tolerance_lu = c.qa.loudness_tolerance_lu;
  s.max_loudness_range_lu = c.qa.max_loudness_range_lu;
  s.ocr_max_cer = c.qa.ocr_max_cer;
  s.palette_max_delta_e = c.qa.palette_max_delta_e;
  s.caption_tolerance_s = c.qa.caption_tolerance_s;
  s.ocr = c.qa.ocr != 0;
  s.reference_frames_only = c.qa.fast_decode != 0;
  return s;
}

std::vector<double> QaPlan::FrameTimes() const {
  std::vector<double> t;
  for (const auto& s : scenes) {
    t.push_back(s.look_s);
    t.insert(t.end(), s.black_times.begin(), s.black_times.end());
  }
  for (const auto& m : motion) {
    t.push_back(m.from_s);
    t.push_back(m.to_s);
  }
  std::ranges::sort(t);
  auto dup = std::ranges::unique(t);
  t.erase(dup.begin(), dup.end());
  return t;
}

QaPlan PlanQa(const Manifest& m, int width, int height, const QaSettings& settings,
              const Json& markers, const std::vector<RenderedCue>& cues) {
  QaPlan plan;
  plan.lang = m.lang;
  if (const Language* lang = FindLanguage(m.lang)) plan.ocr_model = std::string(lang->tesseract);
  plan.technical = ExpectationsFor(m, width, height);
  plan.technical.duration_tolerance_s =
      std::max(settings.duration_tolerance_s, 0.02 * plan.technical.duration_s);
  plan.technical.av_sync_tolerance_s = settings.av_sync_tolerance_s;
  plan.technical.silence_dbfs = settings.silence_dbfs;

  const double fps = m.canvas.fps > 0 ? m.canvas.fps : 30;
  const double frame = 1.0 / fps;
  const auto starts = m.SceneStarts();
  const double cover = CanvasCover(m.canvas, width, height);
  const double dark = settings.black_luma + 4;  // a margin over the threshold
  bool narrated = false;

  for (size_t i = 0; i < m.scenes.size(); ++i) {
    const Scene& s = m.scenes[i];
    QaScene sp;
    sp.scene = i;
    sp.id = s.id;
    sp.start_s = starts[i];
    sp.end_s = starts[i] + s.duration_s;
    // Clean: neither entering over the previous scene nor being covered by the next.
    const double in = i > 0 ? s.transition.duration_s : 0;
    const double out = i + 1 < m.scenes.size() ? m.scenes[i + 1].transition.duration_s : 0;
    double clean_from = sp.start_s + in, clean_to = sp.end_s - out;
    if (clean_to - clean_from < frame) clean_from = clean_to = (sp.start_s + sp.end_s) / 2;
    // Settled: every text animation over.
    double settled = 0;
    for (const auto& l : s.layers) {
      if (l.kind != Layer::Kind::kText) continue;
      for (const auto& a : l.animations) {
        settled = std::max(settled, std::min(s.duration_s, a.end_s.value_or(s.duration_s)));
      }
    }
    double look_from = std::max(clean_from, sp.start_s + settled);
    sp.look_s = look_from + 2 * frame <= clean_to ? (look_from + clean_to) / 2
                                                  : (clean_from + clean_to) / 2;
    const double local = sp.look_s - sp.start_s;

    double dark_share = (1 - cover) + cover * BackgroundDarkFraction(s.background, dark);
    std::optional<Color> text_colour;
    for (const auto& l : s.layers) {
      const double opacity = AnimatedValue(l.animations, Prop::kOpacity, 1, local, s.duration_s);
      if (l.kind == Layer::Kind::kRect && opacity >= 0.5 && LumaOf(l.rect.color) <= dark) {
        dark_share += cover * l.rect.box.w * l.rect.box.h /
                      (static_cast<double>(m.canvas.width) * m.canvas.height);
      }
      if (l.kind != Layer::Kind::kText || !LayerHasContent(l, m.canvas)) continue;
      const double reveal = AnimatedValue(l.animations, Prop::kReveal, 1, local, s.duration_s);
      const double scale = AnimatedValue(l.animations, Prop::kScale, 1, local, s.duration_s);
      if (opacity < 0.9 || reveal < 0.999 || std::abs(scale - 1) > 0.25) continue;
      sp.texts.push_back(l.text.text);
      if (!text_colour) text_colour = l.text.color;
    }
    // Colours: the markers' palette, else the manifest's background and text.
    const Json* pal = nullptr;
    if (markers.is_object() && markers.contains("scenes") && markers["scenes"].is_array() &&
        i < markers["scenes"].size()) {
      const Json& sm = markers["scenes"][i];
      if (sm.is_object() && sm.contains("palette") && sm["palette"].is_array())
        pal = &sm["palette"];
    }
    const bool picture_bg = s.background.kind == Background::Kind::kImage ||
                            s.background.kind == Background::Kind::kVideo;
    sp.uneven_background = picture_bg || s.background.kind == Background::Kind::kLinear;
    if (pal != nullptr && !picture_bg) {
      for (const auto& hex : *pal) {
        if (!hex.is_string()) continue;
        if (auto c = ParseColor(hex.get<std::string>(), "palette")) sp.palette.push_back(*c);
      }
    } else if (!picture_bg) {
      sp.palette.push_back(s.background.kind == Background::Kind::kSolid ? s.background.color
                                                                         : s.background.from);
      if (text_colour) sp.palette.push_back(*text_colour);
    }
    if (dark_share < 0.9) {
      for (double f : {0.2, 0.5, 0.8})
        sp.black_times.push_back(clean_from + f * (clean_to - clean_from));
    }

    // Motion: animations that visibly change a layer.
    for (size_t li = 0; li < s.layers.size(); ++li) {
      const Layer& l = s.layers[li];
      if (!LayerHasContent(l, m.canvas)) continue;
      for (const auto& a : l.animations) {
        if (!VisibleChange(a, m.canvas)) continue;
        // Compare inside the clean window: a transition would change the
        // picture even if the layer stood still.
        double a0 = std::clamp(a.start_s, 0.0, s.duration_s);
        double a1 = std::clamp(a.end_s.value_or(s.duration_s), 0.0, s.duration_s);
        double from = std::max(sp.start_s + a0, clean_from) + frame;
        double to = std::min(sp.start_s + a1, clean_to) - frame;
        if (to - from < 2 * frame) continue;
        double o0 = AnimatedValue(l.animations, Prop::kOpacity, 1, from - sp.start_s, s.duration_s);
        double o1 = AnimatedValue(l.animations, Prop::kOpacity, 1, to - sp.start_s, s.duration_s);
        if (std::max(o0, o1) < 0.1) continue;
        plan.motion.push_back(
            {from, to, "scene " + std::to_string(i) + " animates layer " + std::to_string(li)});
      }
    }
    if (s.narration && !s.narration->text.empty()) {
      narrated = true;
      QaNarration np;
      np.scene = i;
      np.text = s.narration->text;
      np.start_s = sp.start_s + s.narration->start_s;
      for (const auto& c : cues) {
        if (c.scene == i) {
          np.end_s = std::max(np.start_s + 0.1, c.end_s);
          np.end_known = true;
        }
      }
      if (!np.end_known) {
        int wpm = s.narration->rate_wpm.value_or(m.voice_rate_wpm.value_or(160));
        double estimate = static_cast<double>(WordCount(np.text)) * 60.0 / std::max(wpm, 1);
        np.end_s = std::min(sp.end_s, np.start_s + std::max(0.3, estimate));
      }
      plan.narration.push_back(np);
      // Where speech must be heard: the whole cue when known, else its first second.
      double heard_to = np.end_known ? np.end_s : std::min(np.end_s, np.start_s + 1.0);
      plan.technical.narration.push_back({np.start_s, std::max(np.start_s + 0.1, heard_to)});
    }
    plan.scenes.push_back(std::move(sp));
  }
  // Consecutive scenes that look different must not show the same picture.
  for (size_t i = 0; i + 1 < m.scenes.size(); ++i) {
    if (LookSignature(m.scenes[i]) == LookSignature(m.scenes[i + 1])) continue;
    plan.motion.push_back(
        {plan.scenes[i].look_s, plan.scenes[i + 1].look_s,
         "scene " + std::to_string(i + 1) + " follows scene " + std::to_string(i)});
  }
  plan.expect_sound = narrated || m.audio.tone.has_value() || m.audio.music.has_value();
  plan.technical.expect_sound = plan.expect_sound;
  if (m.audio.normalize && plan.expect_sound) {
    plan.loudness_target = m.audio.loudness_lufs.value_or(settings.loudness_lufs);
  }
  return plan;
}

}  // namespace aiprod
