// qa: measures every rendition against its manifest variant (qa/video_qa.h).
// A damaged file (truncated, undecodable, missing) is a transient failure: the
// job goes back to rendering once. Any other failed check holds the job in
// qa_failed with the report for a human. QA that cannot run (OCR unavailable)
// retries this stage later.
#include <cmath>
#include <filesystem>

#include "pipeline/stages/stages.h"
#include "qa/video_qa.h"

namespace aiprod {
namespace {

// The consistency markers of one language variant, or null.
Json MarkersFor(const Job& job, const std::string& lang) {
  const Json& markers = job.consistency_markers;
  if (!markers.is_object() || !markers.contains("variants") || !markers["variants"].is_array()) {
    return nullptr;
  }
  for (const auto& v : markers["variants"]) {
    if (v.is_object() && v.value("lang", "") == lang) return v;
  }
  return nullptr;
}

// The rendition's WebVTT: named by the renderer, else next to the video.
std::string CaptionsFor(const Json& rendition) {
  std::string named = rendition.value("captions", "");
  if (!named.empty()) return named;
  std::filesystem::path video = rendition.value("video", "");
  std::error_code ec;
  for (const auto& candidate : {std::filesystem::path(video).replace_extension(".vtt"),
                                std::filesystem::path(video.string() + ".vtt")}) {
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate.string();
  }
  return {};
}

// Whether QA already sent this job back to rendering once.
bool AlreadyRerendered(const StageContext& ctx) {
  if (ctx.services.store == nullptr) return false;
  auto events = ctx.services.store->ListEvents(ctx.job.id);
  if (!events) return false;
  for (const auto& e : *events) {
    if (e.type == "retry_scheduled" && e.from_state == StateName(JobState::kQa) &&
        e.to_state == StateName(JobState::kRendering)) {
      return true;
    }
  }
  return false;
}

class QaStage final : public Stage {
 public:
  std::string_view Name() const override { return "qa"; }
  JobState State() const override { return JobState::kQa; }

  StageOutcome Run(const StageContext& ctx) const override {
    auto pm = JobManifest(ctx.job);
    if (!pm) return StageOutcome::FromError(pm.error());
    const QaSettings settings = QaSettingsFromConfig(*ctx.services.config);
    Json renditions = Json::array();
    bool all_passed = true, damaged = false;
    double score_sum = 0;
    std::string summary, damage;
    const Json& rendered = ctx.job.render_result.value("renditions", Json::array());
    for (size_t i = 0; i < rendered.size(); ++i) {
      if (ctx.cancel) return StageOutcome::FromError({ErrorCode::kCancelled, "cancelled", ""});
      const Json& r = rendered[i];
      const std::string lang = r.at("lang"), aspect = r.at("aspect");
      const Manifest* m = pm->Find(lang);
      if (!m) {
        return StageOutcome::FromError(
            {ErrorCode::kInternal, "no manifest variant for " + r.at("lang").dump(), ""});
      }
      VideoQaRequest req;
      req.video_path = r.at("video");
      req.manifest = m;
      req.width = r.at("width");
      req.height = r.at("height");
      req.markers = MarkersFor(ctx.job, lang);
      for (const auto& c : r.value("narration_cues", Json::array())) {
        req.cues.push_back({c.at("scene").get<size_t>(), c.at("start_s").get<double>(),
                            c.at("end_s").get<double>()});
      }
      req.captions_path = CaptionsFor(r);
      req.settings = settings;
      VideoQaTimings timings;
      auto report = RunVideoQa(req, &timings);
      if (!report) {
        const ErrorCode code = report.error().code;
        if (code != ErrorCode::kInvalidInput && code != ErrorCode::kNotFound) {
          return StageOutcome::FromError(report.error());  // QA itself could not run
        }
        // The render stage's file is missing or unreadable: a damaged render.
        damaged = true;
        all_passed = false;
        damage = lang + " " + aspect + ": " + report.error().ToString();
        QaReport unreadable;
        unreadable.checks.push_back(
            {"file_readable", false, true, false, report.error().ToString(), /*transient=*/true});
        report = std::move(unreadable);
      } else if (report->FailedTransiently()) {
        damaged = true;
        damage = lang + " " + aspect + ": the file is damaged";
      }
      all_passed = all_passed && report->Passed();
      score_sum += report->Score();
      summary += lang + " " + aspect + ": " + report->Summary() + "\n";
      Json j = report->ToJson();
      j["lang"] = lang;
      j["aspect"] = aspect;
      j["video"] = r.at("video");
      j["seconds"] = std::round(timings.total_s * 1000) / 1000;
      renditions.push_back(j);
      ctx.log.Info("qa", {{"lang", lang},
                          {"aspect", aspect},
                          {"passed", report->Passed()},
                          {"seconds", timings.total_s}});
      ctx.progress(static_cast<double>(i + 1) / static_cast<double>(rendered.size()));
    }
    Json qa = {{"passed", all_passed},
               {"score", rendered.empty() ? 0.0 : score_sum / static_cast<double>(rendered.size())},
               {"summary", summary},
               {"renditions", renditions}};
    JobPatch patch;
    patch.qa_report = qa;
    if (all_passed) return StageOutcome::Done(qa, std::move(patch));
    StageOutcome o;
    o.patch = std::move(patch);
    if (damaged && !AlreadyRerendered(ctx)) {
      // Transient: a second render may well fix a damaged file.
      o.kind = StageOutcome::Kind::kRetry;
      o.retry_from = JobState::kRendering;
      o.error = {ErrorCode::kUnavailable, "QA: " + damage + "; rendering again", ""};
      return o;
    }
    o.kind = StageOutcome::Kind::kQaFailed;
    o.error = {ErrorCode::kConflict, "QA failed; see qa_report", ""};
    return o;
  }
};

}  // namespace

std::unique_ptr<Stage> MakeQaStage() { return std::make_unique<QaStage>(); }

}  // namespace aiprod
