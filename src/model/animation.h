// Evaluating a layer's animations over time: shared by the renderer (which
// draws them) and QA (which predicts what is visible when).
#pragma once

#include <vector>

#include "model/manifest.h"

namespace aiprod {

// Easing curves over u in [0, 1]: ease_in = u², ease_out = 1-(1-u)²,
// ease_in_out = quadratic in then out.
double Ease(Easing e, double u);

// A property's value at scene-local time `t_s`. Animations of the property
// that have started apply in list order, the last one winning; each holds its
// `to` after it ends. Before any has started the value is the `from` of the
// earliest one; without any animation of the property it is `base`.
double AnimatedValue(const std::vector<Animation>& animations, Animation::Property property,
                     double base, double t_s, double scene_duration_s);

bool Animates(const std::vector<Animation>& animations, Animation::Property property);

}  // namespace aiprod
