// qa: measures every rendition against its manifest variant (qa/video_qa.h).
// A damaged file (truncated, undecodable, missing) is a transient failure: the
// job goes back to rendering once. Any other failed check holds the job in
// qa_failed with the report for a human. QA that cannot run (OCR unavailable)
// retries this stage later. Measured by services.checker.
#include <cmath>
#include <filesystem>

#include "model/job_qa.h"
#include "pipeline/stages/stages.h"

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
std::string CaptionsFor(const Rendition& rendition) {
  if (!rendition.captions.empty()) return rendition.captions;
  std::filesystem::path video = rendition.video;
  std::error_code ec;
  for (const auto& candidate : {std::filesystem::path(video).replace_extension(".vtt"),
                                std::filesystem::path(video.string() + ".vtt")}) {
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate.string();
  }
  return {};
}

class QaStage final : public Stage {
 public:
  std::string_view Name() const override { return "qa"; }
  JobState State() const override { return JobState::kQa; }

  StageOutcome Run(const StageContext& ctx) const override {
    auto pm = JobManifest(ctx.job);
    if (!pm) return StageOutcome::FromError(pm.error());
    const QaSettings settings = QaSettingsFromConfig(*ctx.services.config);
    auto rendered = RenderResultFromJson(ctx.job.render_result);
    if (!rendered) return StageOutcome::FromError(rendered.error());
    const std::vector<Rendition>& renditions = rendered->renditions;
    JobQaReport qa;
    qa.passed = true;
    bool damaged = false;
    double score_sum = 0;
    std::string damage;
    for (size_t i = 0; i < renditions.size(); ++i) {
      if (ctx.cancel) return StageOutcome::FromError({ErrorCode::kCancelled, "cancelled", ""});
      const Rendition& r = renditions[i];
      const std::string& lang = r.lang;
      const std::string& aspect = r.aspect;
      const Manifest* m = pm->Find(lang);
      if (!m) {
        return StageOutcome::FromError(
            {ErrorCode::kInternal, "no manifest variant for " + Json(lang).dump(), ""});
      }
      VideoQaRequest req;
      req.video_path = r.video;
      req.manifest = m;
      req.width = r.width;
      req.height = r.height;
      req.markers = MarkersFor(ctx.job, lang);
      for (const auto& c : r.narration_cues) req.cues.push_back({c.scene, c.start_s, c.end_s});
      req.captions_path = CaptionsFor(r);
      req.settings = settings;
      VideoQaTimings timings;
      auto report = ctx.services.checker->Check(req, &timings);
      if (!report) {
        const ErrorCode code = report.error().code;
        if (code != ErrorCode::kInvalidInput && code != ErrorCode::kNotFound) {
          return StageOutcome::FromError(report.error());  // QA itself could not run
        }
        // The render stage's file is missing or unreadable: a damaged render.
        damaged = true;
        damage = lang + " " + aspect + ": " + report.error().ToString();
        QaReport unreadable;
        unreadable.checks.push_back(
            {"file_readable", false, true, false, report.error().ToString(), /*transient=*/true});
        report = std::move(unreadable);
      } else if (report->FailedTransiently()) {
        damaged = true;
        damage = lang + " " + aspect + ": the file is damaged";
      }
      qa.passed = qa.passed && report->Passed();
      score_sum += report->Score();
      qa.summary += lang + " " + aspect + ": " + report->Summary() + "\n";
      qa.renditions.push_back({lang, aspect, r.video, std::round(timings.total_s * 1000) / 1000,
                               report->Passed(), report->ToJson()});
      ctx.log.Info("qa", {{"lang", lang},
                          {"aspect", aspect},
                          {"passed", report->Passed()},
                          {"seconds", timings.total_s}});
      ctx.progress(static_cast<double>(i + 1) / static_cast<double>(renditions.size()));
    }
    qa.score = renditions.empty() ? 0.0 : score_sum / static_cast<double>(renditions.size());
    const Json j = JobQaReportToJson(qa);
    JobPatch patch;
    patch.qa_report = j;
    if (qa.passed) return StageOutcome::Done(j, std::move(patch));
    StageOutcome o;
    o.patch = std::move(patch);
    if (damaged && ctx.sent_back == 0) {
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
