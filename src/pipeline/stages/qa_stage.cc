// qa: decodes every rendition and measures it against the manifest. A failed
// check holds the job in qa_failed with the report for a human.
#include "pipeline/stages/stages.h"
#include "qa/technical_checks.h"

namespace aiprod {
namespace {

class QaStage final : public Stage {
 public:
  std::string_view Name() const override { return "qa"; }
  JobState State() const override { return JobState::kQa; }

  StageOutcome Run(const StageContext& ctx) const override {
    auto pm = JobManifest(ctx.job);
    if (!pm) return StageOutcome::FromError(pm.error());
    Json renditions = Json::array();
    bool all_passed = true;
    const Json& rendered = ctx.job.render_result.value("renditions", Json::array());
    for (size_t i = 0; i < rendered.size(); ++i) {
      const Json& r = rendered[i];
      const Manifest* m = pm->Find(r.at("lang").get<std::string>());
      if (!m) {
        return StageOutcome::FromError(
            {ErrorCode::kInternal, "no manifest variant for " + r.at("lang").dump(), ""});
      }
      auto probe = ProbeMedia(r.at("video"));
      if (!probe) return StageOutcome::FromError(probe.error());
      Expectations want = ExpectationsFor(*m, r.at("width"), r.at("height"));
      // Speech must be heard from where the manifest starts it to where the
      // renderer says it ended.
      auto starts = m->SceneStarts();
      for (const auto& cue : r.value("narration_cues", Json::array())) {
        size_t scene = cue.at("scene");
        if (scene >= m->scenes.size() || !m->scenes[scene].narration) continue;
        double start = starts[scene] + m->scenes[scene].narration->start_s;
        want.narration.push_back({start, std::max(start + 0.1, cue.at("end_s").get<double>())});
      }
      QaReport report;
      RunTechnicalChecks(*probe, want, report);
      all_passed = all_passed && report.Passed();
      Json j = report.ToJson();
      j["lang"] = r.at("lang");
      j["aspect"] = r.at("aspect");
      j["video"] = r.at("video");
      renditions.push_back(j);
      ctx.progress(static_cast<double>(i + 1) / static_cast<double>(rendered.size()));
    }
    Json qa = {{"passed", all_passed}, {"renditions", renditions}};
    JobPatch patch;
    patch.qa_report = qa;
    if (!all_passed) {
      StageOutcome o;
      o.kind = StageOutcome::Kind::kQaFailed;
      o.patch = std::move(patch);
      o.error = {ErrorCode::kConflict, "QA failed; see qa_report", ""};
      return o;
    }
    return StageOutcome::Done(qa, std::move(patch));
  }
};

}  // namespace

std::unique_ptr<Stage> MakeQaStage() { return std::make_unique<QaStage>(); }

}  // namespace aiprod
