#include "render/scene_plan.h"

#include <algorithm>
#include <cmath>

#include "core/json.h"

namespace aiprod {
namespace {

bool FiniteBox(const Box& b) {
  return std::isfinite(b.x) && std::isfinite(b.y) && b.w >= 0 && b.h >= 0 && b.w < 1e6 && b.h < 1e6;
}

double MaxScale(const std::vector<Animation>& anims) {
  double s = 1;
  for (const Animation& a : anims) {
    if (a.property == Animation::Property::kScale) s = std::max({s, a.from, a.to});
  }
  return std::min(s, 4.0);
}

// A logo's box: its height, the picture's aspect, in a corner of the safe area.
Box LogoBox(const LogoLayer& logo, const ImageInfo& info, const Canvas& c) {
  const double h = logo.height.value_or(0.1 * c.height);
  const double w = h * info.width / std::max(1, info.height);
  const double margin = logo.margin.value_or(0.05 * std::min(c.width, c.height));
  const bool left =
      logo.corner == LogoLayer::Corner::kTopLeft || logo.corner == LogoLayer::Corner::kBottomLeft;
  const bool top =
      logo.corner == LogoLayer::Corner::kTopLeft || logo.corner == LogoLayer::Corner::kTopRight;
  return {left ? margin : c.width - margin - w, top ? margin : c.height - margin - h, w, h};
}

Result<ImagePlan> PlanImage(const std::string& asset, const std::string& field,
                            AssetResolver& assets, std::vector<std::string>& digests) {
  AIPROD_ASSIGN(ResolvedAsset a, assets.Resolve(asset, field));
  ImagePlan p;
  p.path = a.path;
  p.field = field;
  AIPROD_ASSIGN(p.info, ProbeImage(a.path, field, assets.limits().max_image_pixels));
  digests.push_back(a.digest);
  return p;
}

Status PlanBackground(const Manifest& m, const Scene& scene, const std::string& path,
                      AssetResolver& assets, ScenePlan& plan) {
  const Background& bg = scene.background;
  const std::string field = path + ".background.asset";
  if (bg.kind == Background::Kind::kImage) {
    AIPROD_ASSIGN(ImagePlan img, PlanImage(bg.asset, field, assets, plan.asset_digests));
    img.box = {0, 0, static_cast<double>(m.canvas.width), static_cast<double>(m.canvas.height)};
    img.fit = bg.fit;
    plan.background_image = std::move(img);
  } else if (bg.kind == Background::Kind::kVideo) {
    AIPROD_ASSIGN(ResolvedAsset a, assets.Resolve(bg.asset, field));
    ClipPlan clip;
    clip.path = a.path;
    clip.field = field;
    AIPROD_ASSIGN(clip.info, ProbeClip(a.path, field));
    if (!(bg.clip_start_s >= 0 && bg.clip_start_s < clip.info.duration_s)) {
      return Invalid(path + ".background.start_s",
                     "is past the clip's end (" + FormatNumber(clip.info.duration_s) + " s)");
    }
    plan.asset_digests.push_back(a.digest);
    plan.clip = std::move(clip);
  }
  return {};
}

}  // namespace

Result<ScenePlan> PlanScene(const Manifest& m, size_t index, int64_t frames, int fps,
                            const CanvasMapping& map, AssetResolver& assets) {
  const Scene& scene = m.scenes[index];
  const std::string path = ItemPath("scenes", index);
  ScenePlan plan;
  plan.index = index;
  plan.scene = &scene;
  plan.frames = frames;
  plan.fps = fps;
  AIPROD_TRY(PlanBackground(m, scene, path, assets, plan));
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
    switch (layer.kind) {
      case Layer::Kind::kRect:
        if (!FiniteBox(layer.rect.box)) {
          return Invalid(field + ".box", "needs finite coordinates and a non-negative size");
        }
        break;
      case Layer::Kind::kText: {
        AIPROD_ASSIGN(lp.text, PlanText(layer.text, map, m.lang, m.rtl, field));
        break;
      }
      case Layer::Kind::kImage: {
        if (!FiniteBox(layer.image.box) || layer.image.box.w <= 0 || layer.image.box.h <= 0) {
          return Invalid(field + ".box", "needs finite coordinates and a positive size");
        }
        AIPROD_ASSIGN(ImagePlan img,
                      PlanImage(layer.image.asset, field + ".asset", assets, plan.asset_digests));
        img.box = layer.image.box;
        img.fit = layer.image.fit;
        img.max_scale = MaxScale(layer.animations);
        lp.image = std::move(img);
        break;
      }
      case Layer::Kind::kLogo: {
        AIPROD_ASSIGN(ImagePlan img,
                      PlanImage(layer.logo.asset, field + ".asset", assets, plan.asset_digests));
        img.box = LogoBox(layer.logo, img.info, m.canvas);
        img.fit = ImageFit::kFit;
        img.max_scale = MaxScale(layer.animations);
        lp.image = std::move(img);
        break;
      }
    }
    animated_seen = animated_seen || !layer.animations.empty();
    if (!animated_seen) plan.baked = j + 1;
    plan.layers.push_back(std::move(lp));
  }
  return plan;
}

}  // namespace aiprod
