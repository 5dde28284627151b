#include "render/scene_plan.h"

#include <cmath>

#include "core/json.h"

namespace aiprod {

Result<ScenePlan> PlanScene(const Manifest& m, size_t index, int64_t frames, int fps,
                            const CanvasMapping& map) {
  const Scene& scene = m.scenes[index];
  const std::string path = ItemPath("scenes", index);
  ScenePlan plan;
  plan.index = index;
  plan.scene = &scene;
  plan.frames = frames;
  plan.fps = fps;
  bool animated_seen = false;
  for (size_t j = 0; j < scene.layers.size(); ++j) {
    const Layer& layer = scene.layers[j];
    const std::string field = ItemPath(path + ".layers", j);
    LayerPlan lp;
    lp.layer = &layer;
    for (size_t a = 0; a < layer.animations.size(); ++a) {
      const Animation& an = layer.animations[a];
      bool finite = std::isfinite(an.from) && std::isfinite(an.to) && std::isfinite(an.start_s) &&
                    (!an.end_s || std::isfinite(*an.end_s));
      if (!finite) return Invalid(ItemPath(field + ".animations", a), "has a non-finite value");
    }
    if (layer.kind == Layer::Kind::kRect) {
      const Box& b = layer.rect.box;
      if (!(std::isfinite(b.x) && std::isfinite(b.y) && b.w >= 0 && b.h >= 0 && b.w < 1e6 &&
            b.h < 1e6)) {
        return Invalid(field + ".box", "needs finite coordinates and a non-negative size");
      }
    } else {
      AIPROD_ASSIGN(lp.text, PlanText(layer.text, map, m.lang, m.rtl, field));
    }
    animated_seen = animated_seen || !layer.animations.empty();
    if (!animated_seen) plan.baked = j + 1;
    plan.layers.push_back(std::move(lp));
  }
  return plan;
}

}  // namespace aiprod
