// `aiprod render MANIFEST.json -o OUT.mp4`: draw a manifest directly.
#include <unistd.h>

#include <filesystem>

#include "cli/app.h"
#include "model/manifest.h"
#include "render/renderer.h"

namespace aiprod::cli {
namespace {

struct RenderArgs {
  std::string manifest, out, aspect, lang, cache_dir, assets;
  bool draft = false;
  int threads = -1;
};

int Render(GlobalOptions& g, const RenderArgs& a) {
  const std::string& manifest_path = a.manifest;
  const std::string& out = a.out;
  const std::string& aspect = a.aspect;
  const std::string& lang = a.lang;
  const bool draft = a.draft;
  App app(g);
  if (auto st = app.Init(); !st) return ReportError(st.error(), g.json);
  const Config& config = app.config();
  auto json =
      ReadJsonFile(manifest_path, "manifest", static_cast<size_t>(config.limits.max_input_bytes));
  if (!json) return ReportError(json.error(), g.json);
  ManifestLimits limits = ManifestLimitsFor(config);
  // Accept a single-language manifest or a job's production manifest.
  Result<Manifest> manifest = Fail(ErrorCode::kInvalidInput, "");
  if (json->contains("variants")) {
    auto pm = ProductionManifestFromJson(*json, limits);
    if (!pm) return ReportError(pm.error(), g.json);
    const Manifest* m = lang.empty() ? &pm->variants.front() : pm->Find(lang);
    if (!m)
      return ReportError({ErrorCode::kInvalidInput, "no variant for '" + lang + "'", "--lang"},
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
  // Assets resolve inside --assets, by default the manifest's own directory.
  settings.asset_dir =
      a.assets.empty() ? std::filesystem::absolute(manifest_path).parent_path().string() : a.assets;
  settings.cache_dir = a.cache_dir;
  if (a.threads >= 0) settings.threads = a.threads;
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
    PrintJson(RenditionToJson(ToRendition(*r)));
  } else {
    std::printf("%s  %dx%d  %.2f s  (%lld frames in %.2f s; segments %lld cached, %lld encoded)\n",
                r->video_path.c_str(), r->width, r->height, r->duration_s,
                static_cast<long long>(r->frames), r->wall_s, static_cast<long long>(r->cache_hits),
                static_cast<long long>(r->cache_misses));
  }
  return 0;
}

}  // namespace

void AddRenderCommand(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto args = std::make_shared<RenderArgs>();
  auto* render = app.add_subcommand("render", "Render a manifest to an MP4");
  render->add_option("manifest", args->manifest, "Manifest JSON file")->required();
  render->add_option("-o,--output", args->out, "Output MP4 path")->required();
  render->add_option("--aspect", args->aspect,
                     "16:9, 9:16 or 1:1 at the standard size (default: the canvas size)");
  render->add_option("--lang", args->lang, "Variant to draw from a production manifest");
  render->add_flag("--draft", args->draft, "Half size, fastest encoder preset");
  render->add_option("--cache-dir", args->cache_dir,
                     "Scene cache: keep segments here and reuse them (default: none)");
  render->add_option("--assets", args->assets,
                     "Asset directory for `asset` paths (default: the manifest's directory)");
  render->add_option("--threads", args->threads, "Threads (0: all cores; default from config)");
  render->callback([&g, &exit_code, args] { exit_code = Render(g, *args); });
}

}  // namespace aiprod::cli
