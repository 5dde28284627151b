// `aiprod qa VIDEO --manifest M`: the pipeline's QA on any file.
// `aiprod gc`: the retention policy for delivered artifacts.
// `aiprod webhooks list|show|deliver`: webhook deliveries and their attempts.
#include <cstdio>
#include <filesystem>

#include "artifacts/artifact_store.h"
#include "cli/app.h"
#include "model/manifest.h"
#include "notify/webhook_outbox.h"
#include "qa/video_qa.h"
#include "render/settings.h"

namespace aiprod::cli {
namespace {

namespace fs = std::filesystem;

struct QaArgs {
  std::string video, manifest, aspect, lang, captions, markers;
  bool no_ocr = false;
};

Result<Manifest> LoadVariant(const Config& config, const std::string& path,
                             const std::string& lang) {
  AIPROD_ASSIGN(Json json,
                ReadJsonFile(path, "manifest", static_cast<size_t>(config.limits.max_input_bytes)));
  ManifestLimits limits = ManifestLimitsFor(config);
  if (!json.contains("variants")) return ManifestFromJson(json, limits);
  AIPROD_ASSIGN(ProductionManifest pm, ProductionManifestFromJson(json, limits));
  const Manifest* m = lang.empty() ? &pm.variants.front() : pm.Find(lang);
  if (!m) return Invalid("--lang", "the manifest has no variant for '" + lang + "'");
  return *m;
}

// Markers as the consistency stage records them: the variant for `lang` of
// {"variants": [...]}, or a single variant's {"scenes": [...]}.
Result<Json> LoadMarkers(const Config& config, const std::string& path, const std::string& lang) {
  if (path.empty()) return Json(nullptr);
  AIPROD_ASSIGN(Json j,
                ReadJsonFile(path, "markers", static_cast<size_t>(config.limits.max_input_bytes)));
  if (!j.contains("variants")) return j;
  for (const auto& v : j["variants"]) {
    if (v.value("lang", "") == lang) return v;
  }
  return Invalid("--markers", "no markers for '" + lang + "'");
}

int Qa(GlobalOptions& g, const QaArgs& a) {
  App app(g);
  if (auto st = app.Init(); !st) return ReportError(st.error(), g.json);
  const Config& config = app.config();
  std::error_code ec;
  if (!fs::is_regular_file(a.video, ec)) {
    return ReportError({ErrorCode::kInvalidInput, "no such file: " + a.video, "VIDEO"}, g.json);
  }
  auto m = LoadVariant(config, a.manifest, a.lang);
  if (!m) return ReportError(m.error(), g.json);
  VideoQaRequest req;
  req.video_path = a.video;
  req.manifest = &*m;
  if (a.aspect.empty()) {  // the canvas as drawn, like `aiprod render` without --aspect
    req.width = m->canvas.width / 2 * 2;
    req.height = m->canvas.height / 2 * 2;
  } else {
    auto s = SettingsForAspect(a.aspect, config.render, false);
    if (!s) return ReportError(s.error(), g.json);
    req.width = s->width;
    req.height = s->height;
  }
  auto markers = LoadMarkers(config, a.markers, m->lang);
  if (!markers) return ReportError(markers.error(), g.json);
  req.markers = *markers;
  req.captions_path = a.captions;
  if (req.captions_path.empty()) {
    fs::path sibling = fs::path(a.video).replace_extension(".vtt");
    if (fs::is_regular_file(sibling, ec)) req.captions_path = sibling.string();
  }
  req.settings = QaSettingsFromConfig(config);
  if (a.no_ocr) req.settings.ocr = false;
  VideoQaTimings t;
  auto report = RunVideoQa(req, &t);
  if (!report) return ReportError(report.error(), g.json);
  if (g.json) {
    Json j = report->ToJson();
    j["video"] = a.video;
    j["manifest"] = a.manifest;
    auto ms = [](double s) { return std::round(s * 1000) / 1000; };
    j["seconds"] = ms(t.total_s);
    j["timings"] = {
        {"scan_s", ms(t.scan_s)}, {"ocr_s", ms(t.ocr_s)}, {"ocr_wait_s", ms(t.ocr_wait_s)}};
    PrintJson(j);
  } else {
    std::printf("%s: %s\n%s\n", a.video.c_str(), report->Passed() ? "passed" : "FAILED",
                report->Summary().c_str());
  }
  return report->Passed() ? 0 : 1;
}

// Default output directories (<data_dir>/out/<job>) untouched since `cutoff`.
std::vector<fs::path> OldOutputDirs(const Config& config, fs::file_time_type cutoff) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(config.data_dir + "/out", ec)) {
    if (!e.is_directory(ec)) continue;
    fs::file_time_type newest = e.last_write_time(ec);
    for (const auto& f : fs::directory_iterator(e.path(), ec)) {
      newest = std::max(newest, f.last_write_time(ec));
    }
    if (newest < cutoff) out.push_back(e.path());
  }
  return out;
}

int Gc(GlobalOptions& g, double days, bool dry_run) {
  App app(g);
  if (auto st = app.Init(); !st) return ReportError(st.error(), g.json);
  const Config& config = app.config();
  if (days < 0) days = config.storage.retention_days;
  auto store = OpenArtifactStore(config);
  if (!store) return ReportError(store.error(), g.json);
  const auto age_ms = static_cast<int64_t>(days * 86'400'000);
  auto r = RemoveOlderThan(**store, app.clock().NowMs() - age_ms, dry_run);
  if (!r) return ReportError(r.error(), g.json);
  auto cutoff = fs::file_time_type::clock::now() - std::chrono::milliseconds(age_ms);
  auto dirs = OldOutputDirs(config, cutoff);
  Json removed_dirs = Json::array();
  for (const auto& d : dirs) {
    std::error_code ec;
    if (!dry_run) fs::remove_all(d, ec);
    if (!ec) removed_dirs.push_back(d.string());
  }
  if (g.json) {
    PrintJson({{"store", (*store)->Describe()},
               {"older_than_days", days},
               {"dry_run", dry_run},
               {"removed", r->removed},
               {"removed_bytes", r->removed_bytes},
               {"kept", r->kept},
               {"removed_keys", r->removed_keys},
               {"removed_output_dirs", removed_dirs}});
  } else {
    std::printf(
        "%s %zu artifacts (%lld bytes) older than %g days from %s; kept %zu; %s %zu "
        "output directories\n",
        dry_run ? "would remove" : "removed", r->removed, static_cast<long long>(r->removed_bytes),
        days, (*store)->Describe().c_str(), r->kept, dry_run ? "would remove" : "removed",
        removed_dirs.size());
  }
  return 0;
}

Json DeliveryJson(const WebhookDelivery& d) {
  Json j = {{"id", d.id},
            {"job_id", d.job_id},
            {"event", d.event},
            {"url", d.url},
            {"state", d.state},
            {"attempts", d.attempts},
            {"created_at", FormatTimestamp(d.created_ms)}};
  if (d.next_attempt_ms) j["next_attempt_at"] = FormatTimestamp(*d.next_attempt_ms);
  if (!d.last_error.empty()) j["last_error"] = d.last_error;
  return j;
}

struct WebhookCommand {
  std::string action, id;
};

int Webhooks(GlobalOptions& g, const WebhookCommand& c) {
  App app(g);
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  WebhookOutbox outbox(app.db().webhook_deliveries(), WebhookOptionsFromConfig(app.config()),
                       app.clock());
  if (c.action == "deliver") {
    auto n = outbox.DeliverDue();
    if (!n) return ReportError(n.error(), g.json);
    if (g.json) {
      PrintJson({{"attempted", *n}});
    } else {
      std::printf("attempted %d due deliveries\n", *n);
    }
    return 0;
  }
  if (c.action == "show") {
    auto d = outbox.Get(c.id);
    if (!d) return ReportError(d.error(), g.json);
    auto attempts = outbox.Attempts(c.id);
    if (!attempts) return ReportError(attempts.error(), g.json);
    Json j = DeliveryJson(*d);
    j["body"] = Json::parse(d->body, nullptr, false);
    j["attempt_log"] = Json::array();
    for (const auto& a : *attempts) {
      j["attempt_log"].push_back({{"attempt", a.attempt},
                                  {"at", FormatTimestamp(a.started_ms)},
                                  {"duration_ms", a.duration_ms},
                                  {"http_status", a.http_status},
                                  {"outcome", a.outcome},
                                  {"error", a.error},
                                  {"address", a.address}});
    }
    if (g.json) {
      PrintJson(j);
    } else {
      std::printf("%s\n", j.dump(2, ' ', false, Json::error_handler_t::replace).c_str());
    }
    return 0;
  }
  auto list = outbox.List(c.id);
  if (!list) return ReportError(list.error(), g.json);
  Json arr = Json::array();
  for (const auto& d : *list) arr.push_back(DeliveryJson(d));
  if (g.json) {
    PrintJson({{"deliveries", arr}});
  } else {
    for (const auto& d : *list) {
      std::printf("%s  %-9s %-16s %d attempt(s)  %s\n", d.id.c_str(), d.state.c_str(),
                  d.event.c_str(), d.attempts, d.url.c_str());
    }
  }
  return 0;
}

}  // namespace

void AddQaCommands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto args = std::make_shared<QaArgs>();
  CLI::App* qa = app.add_subcommand(
      "qa", "Check a video against its manifest (exit 0: passed, 1: failed, 2: bad input)");
  qa->add_option("video", args->video, "The video file (MP4)")->required();
  qa->add_option("--manifest", args->manifest, "Manifest (or a job's production manifest)")
      ->required();
  qa->add_option("--aspect", args->aspect,
                 "Expected size by aspect ratio: 16:9, 9:16, 1:1 "
                 "(default: the manifest's canvas)");
  qa->add_option("--lang", args->lang, "Variant of a production manifest (default: the first)");
  qa->add_option("--captions", args->captions, "WebVTT to check (default: VIDEO.vtt if present)");
  qa->add_option("--markers", args->markers, "Consistency markers JSON (brand palette)");
  qa->add_flag("--no-ocr", args->no_ocr, "Do not read the on-screen text");
  qa->callback([&g, &exit_code, args] { exit_code = Qa(g, *args); });

  auto days = std::make_shared<double>(-1);
  auto dry = std::make_shared<bool>(false);
  CLI::App* gc = app.add_subcommand("gc", "Delete delivered artifacts older than the retention");
  gc->add_option("--older-than-days", *days, "Age in days (default: storage.retention_days)");
  gc->add_flag("--dry-run", *dry, "List what would be deleted");
  gc->callback([&g, &exit_code, days, dry] { exit_code = Gc(g, *days, *dry); });

  auto wh = std::make_shared<WebhookCommand>();
  CLI::App* webhooks = app.add_subcommand("webhooks", "Webhook deliveries and their attempts");
  webhooks->require_subcommand(1);
  CLI::App* list = webhooks->add_subcommand("list", "Deliveries, newest first");
  list->add_option("--job", wh->id, "Only this job's");
  list->callback([&g, &exit_code, wh] {
    wh->action = "list";
    exit_code = Webhooks(g, *wh);
  });
  CLI::App* show = webhooks->add_subcommand("show", "A delivery with every attempt");
  show->add_option("id", wh->id, "Delivery id")->required();
  show->callback([&g, &exit_code, wh] {
    wh->action = "show";
    exit_code = Webhooks(g, *wh);
  });
  CLI::App* deliver = webhooks->add_subcommand("deliver", "Attempt the deliveries that are due");
  deliver->callback([&g, &exit_code, wh] {
    wh->action = "deliver";
    exit_code = Webhooks(g, *wh);
  });
}

}  // namespace aiprod::cli
