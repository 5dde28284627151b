#include "model/animation.h"

#include <algorithm>

namespace aiprod {

double Ease(Easing e, double u) {
  u = std::clamp(u, 0.0, 1.0);
  switch (e) {
    case Easing::kLinear:
      return u;
    case Easing::kEaseIn:
      return u * u;
    case Easing::kEaseOut:
      return 1 - (1 - u) * (1 - u);
    case Easing::kEaseInOut:
      return u < 0.5 ? 2 * u * u : 1 - 2 * (1 - u) * (1 - u);
  }
  return u;
}

double AnimatedValue(const std::vector<Animation>& animations, Animation::Property property,
                     double base, double t_s, double scene_duration_s) {
  double value = base;
  const Animation* earliest = nullptr;
  bool started = false;
  for (const Animation& a : animations) {
    if (a.property != property) continue;
    if (earliest == nullptr || a.start_s < earliest->start_s) earliest = &a;
    if (t_s < a.start_s) continue;
    started = true;
    double end = a.end_s.value_or(scene_duration_s);
    double u = end > a.start_s ? (t_s - a.start_s) / (end - a.start_s) : 1.0;
    value = a.from + (a.to - a.from) * Ease(a.easing, u);
  }
  if (!started && earliest != nullptr) value = earliest->from;
  return value;
}

bool Animates(const std::vector<Animation>& animations, Animation::Property property) {
  return std::ranges::any_of(animations,
                             [&](const Animation& a) { return a.property == property; });
}

}  // namespace aiprod
