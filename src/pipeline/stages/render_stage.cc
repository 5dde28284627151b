// render: every language variant x aspect ratio -> an MP4 in the job's work
// directory. Files are written atomically, so a crash mid-render leaves no
// half file and the re-run simply renders again. Drawn by services.renderer.
#include <cmath>
#include <filesystem>

#include "core/files.h"
#include "pipeline/stages/stages.h"

namespace aiprod {
namespace {

// A manifest whose layers are all placed by role adapts to any frame: give it
// a canvas of the rendition's own shape instead of letterboxing the 16:9 one.
// Manifests with absolute positions keep their canvas (scaled and centred).
Manifest ForRendition(const Manifest& m, int width, int height) {
  for (const auto& s : m.scenes) {
    for (const auto& l : s.layers) {
      if (l.kind == Layer::Kind::kLogo) continue;  // placed by corner: adapts too
      if (l.kind != Layer::Kind::kText || l.text.box || l.text.baseline_y) return m;
    }
  }
  // The short side keeps its length in canvas units, so text sizes stay put.
  Manifest adapted = m;
  int short_side = std::min(m.canvas.width, m.canvas.height);
  double ratio = static_cast<double>(std::max(width, height)) / std::min(width, height);
  int long_side = static_cast<int>(std::lround(short_side * ratio));
  adapted.canvas.width = width >= height ? long_side : short_side;
  adapted.canvas.height = width >= height ? short_side : long_side;
  return adapted;
}

class RenderStage final : public Stage {
 public:
  std::string_view Name() const override { return "render"; }
  JobState State() const override { return JobState::kRendering; }

  StageOutcome Run(const StageContext& ctx) const override {
    auto pm = ApprovedManifest(ctx.job);
    if (!pm) return StageOutcome::FromError(pm.error());
    const auto& aspects = ctx.job.brief.aspect_ratios;
    const size_t total = pm->variants.size() * aspects.size();
    size_t done = 0;
    RenderResult result;
    // A render killed mid-file leaves its temporary behind; we hold the lease now.
    RemoveStaleTemporaries(ctx.work_dir + "/render");
    for (const auto& variant : pm->variants) {
      for (const auto& aspect : aspects) {
        auto settings = SettingsForAspect(aspect, ctx.services.config->render, ctx.job.brief.draft);
        if (!settings) return StageOutcome::FromError(settings.error());
        // Segments are shared across jobs and re-renders: an edited scene
        // re-renders alone. Assets come from the job's own directory only.
        settings->cache_dir = ctx.services.config->data_dir + "/cache/render";
        settings->asset_dir = ctx.work_dir + "/assets";
        std::string path =
            ctx.work_dir + "/render/" + variant.lang + "-" + AspectSlug(aspect) + ".mp4";
        std::filesystem::create_directories(ctx.work_dir + "/render");
        auto progress = [&](double f) {
          ctx.progress((static_cast<double>(done) + f) / static_cast<double>(total));
        };
        Manifest drawn = ForRendition(variant, settings->width, settings->height);
        auto r = ctx.services.renderer->Render(drawn, *settings, path, progress, &ctx.cancel);
        if (!r) {
          Error e = r.error();
          e.message = variant.lang + " " + aspect + ": " + e.message;
          return StageOutcome::FromError(e);
        }
        r->lang = variant.lang;
        r->aspect = aspect;
        const double seconds = r->render_seconds;
        result.renditions.push_back(std::move(*r));
        ++done;
        ctx.log.Info("rendered",
                     {{"lang", variant.lang}, {"aspect", aspect}, {"seconds", seconds}});
      }
    }
    Json j = RenderResultToJson(result);
    JobPatch patch;
    patch.render_result = j;
    return StageOutcome::Done(j, std::move(patch));
  }
};

}  // namespace

std::unique_ptr<Stage> MakeRenderStage() { return std::make_unique<RenderStage>(); }

}  // namespace aiprod
