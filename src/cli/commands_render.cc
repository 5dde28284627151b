// `aiprod render MANIFEST.json -o OUT.mp4`: draw a manifest directly.
#include <unistd.h>

#include "cli/app.h"
#include "model/manifest.h"
#include "render/renderer.h"

namespace aiprod::cli {
namespace {

int Render(GlobalOptions& g, const std::string& manifest_path, const std::string& out,
           const std::string& aspect, bool draft, const std::string& lang) {
  App app(g);
  if (auto st = app.Init(); !st) return ReportError(st.error(), g.json);
  const Config& config = app.config();
  auto json = ReadJsonFile(manifest_path, "manifest",
                           static_cast<size_t>(config.limits.max_input_bytes));
  if (!json) return ReportError(json.error(), g.json);
  ManifestLimits limits;
  limits.max_scenes = static_cast<size_t>(config.limits.max_scenes);
  limits.max_total_s = config.render.max_duration_s;
  // Accept a single-language manifest or a job's production manifest.
  Result<Manifest> manifest = Fail(ErrorCode::kInvalidInput, "");
  if (json->contains("variants")) {
    auto pm = ProductionManifestFromJson(*json, limits);
    if (!pm) return ReportError(pm.error(), g.json);
    const Manifest* m = lang.empty() ? &pm->variants.front() : pm->Find(lang);
    if (!m) return ReportError({ErrorCode::kInvalidInput, "no variant for '" + lang + "'", "--lang"},
                               g.json);
    manifest = *m;
  } else {
    manifest = ManifestFromJson(*json, limits);
  }
  if (!manifest) return ReportError(manifest.error(), g.json);
  RenderSettings settings;
  if (aspect.empty()) {
    // The canvas size as drawn, unless an aspect ratio asks for a standard size.
    auto base = SettingsForAspect("16:9", config.render, draft);
    if (!base) return ReportError(base.error(), g.json);
    settings = *base;
    int div = draft ? 2 : 1;
    settings.width = manifest->canvas.width / div / 2 * 2;
    settings.height = manifest->canvas.height / div / 2 * 2;
  } else {
    auto s = SettingsForAspect(aspect, config.render, draft);
    if (!s) return ReportError(s.error(), g.json);
    settings = *s;
  }
  bool tty = isatty(STDERR_FILENO) && !g.json;
  int last = -1;
  auto progress = [&](double f) {
    int p = static_cast<int>(f * 100);
    if (!tty || p == last) return;
    last = p;
    std::fprintf(stderr, "\r\033[2K  render %d%%", p);
  };
  auto r = RenderVideo(*manifest, settings, out, progress, nullptr);
  if (tty) std::fprintf(stderr, "\r\033[2K");
  if (!r) return ReportError(r.error(), g.json);
  if (g.json) {
    PrintJson({{"video", r->video_path},
               {"duration_s", r->duration_s},
               {"frames", r->frames},
               {"width", r->width},
               {"height", r->height},
               {"render_seconds", r->wall_s}});
  } else {
    std::printf("%s  %dx%d  %.2f s  (%lld frames in %.2f s)\n", r->video_path.c_str(), r->width,
                r->height, r->duration_s, static_cast<long long>(r->frames), r->wall_s);
  }
  return 0;
}

}  // namespace

void AddRenderCommand(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string manifest, out, aspect, lang;
    bool draft = false;
  };
  auto args = std::make_shared<Args>();
  auto* render = app.add_subcommand("render", "Render a manifest to an MP4");
  render->add_option("manifest", args->manifest, "Manifest JSON file")->required();
  render->add_option("-o,--output", args->out, "Output MP4 path")->required();
  render->add_option("--aspect", args->aspect,
                     "16:9, 9:16 or 1:1 at the standard size (default: the canvas size)");
  render->add_option("--lang", args->lang, "Variant to draw from a production manifest");
  render->add_flag("--draft", args->draft, "Half size, fastest encoder preset");
  render->callback([&g, &exit_code, args] {
    exit_code = Render(g, args->manifest, args->out, args->aspect, args->draft, args->lang);
  });
}

}  // namespace aiprod::cli
