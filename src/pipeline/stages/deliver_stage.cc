// deliver: copies the checked renditions, the manifest and the QA report into
// the job's output directory. Each file lands atomically under a stable name
// (`<lang>-<aspect>.mp4`), so delivering twice gives the same result.
#include <filesystem>

#include "core/files.h"
#include "pipeline/stages/stages.h"

namespace aiprod {
namespace {

namespace fs = std::filesystem;

Status CopyAtomic(const std::string& from, const std::string& to) {
  std::string tmp = TempPathFor(to);
  std::error_code ec;
  fs::copy_file(from, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot copy " + from + " to " + tmp + ": " + ec.message());
  auto st = CommitFile(tmp, to);
  if (!st) fs::remove(tmp, ec);
  return st;
}

class DeliverStage final : public Stage {
 public:
  std::string_view Name() const override { return "deliver"; }
  JobState State() const override { return JobState::kDelivering; }

  StageOutcome Run(const StageContext& ctx) const override {
    const Job& job = ctx.job;
    std::string out_dir = job.options.value("output_dir", std::string());
    if (out_dir.empty()) out_dir = ctx.services.config->data_dir + "/out/" + job.id;
    out_dir = fs::absolute(out_dir).lexically_normal().string();
    if (auto st = MakeDirs(out_dir); !st) return StageOutcome::FromError(st.error());

    Json artifacts = Json::array();
    for (const auto& r : job.render_result.value("renditions", Json::array())) {
      std::string lang = r.at("lang"), aspect = r.at("aspect");
      std::string dest = out_dir + "/" + lang + "-" + AspectSlug(aspect) + ".mp4";
      if (auto st = CopyAtomic(r.at("video"), dest); !st) {
        return StageOutcome::FromError(st.error());
      }
      artifacts.push_back({{"lang", lang},
                           {"aspect", aspect},
                           {"video", dest},
                           {"duration_s", r.at("duration_s")},
                           {"width", r.at("width")},
                           {"height", r.at("height")}});
    }
    if (auto st = WriteFileAtomic(out_dir + "/manifest.json", job.production_manifest.dump(2));
        !st) {
      return StageOutcome::FromError(st.error());
    }
    if (auto st = WriteFileAtomic(out_dir + "/qa.json", job.qa_report.dump(2)); !st) {
      return StageOutcome::FromError(st.error());
    }
    return StageOutcome::Done({{"output_dir", out_dir},
                               {"artifacts", artifacts},
                               {"manifest", out_dir + "/manifest.json"},
                               {"qa", out_dir + "/qa.json"}});
  }
};

}  // namespace

std::unique_ptr<Stage> MakeDeliverStage() { return std::make_unique<DeliverStage>(); }

}  // namespace aiprod
