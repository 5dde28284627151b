// deliver: stores the checked renditions, the manifest and the QA report in
// the artifact store (services.artifacts, content-addressed) and copies
// them into the job's output directory under stable names
// (`<lang>-<aspect>.mp4`, manifest.json, qa.json). Every write is atomic and
// content-addressed keys do not change, so delivering twice gives the same
// result.
#include <filesystem>

#include "core/files.h"
#include "pipeline/stages/stages.h"

namespace aiprod {
namespace {

namespace fs = std::filesystem;

// The stage holds the job's lease, so a temporary of one of its files can
// only be left by a worker that died delivering this job: remove it.
Status CopyAtomic(const std::string& from, const std::string& to) {
  RemoveStaleTemporariesOf(to);
  std::string tmp = TempPathFor(to);
  std::error_code ec;
  fs::copy_file(from, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot copy " + from + " to " + tmp + ": " + ec.message());
  auto st = CommitFile(tmp, to);
  if (!st) fs::remove(tmp, ec);
  return st;
}

Json StoredJson(const ArtifactInfo& a) {
  return {{"key", a.key}, {"sha256", a.sha256}, {"size", a.size}};
}

class DeliverStage final : public Stage {
 public:
  std::string_view Name() const override { return "deliver"; }
  JobState State() const override { return JobState::kDelivering; }

  StageOutcome Run(const StageContext& ctx) const override {
    const Job& job = ctx.job;
    const Config& config = *ctx.services.config;
    std::string out_dir = job.options.value("output_dir", std::string());
    if (out_dir.empty()) out_dir = config.data_dir + "/out/" + job.id;
    out_dir = fs::absolute(out_dir).lexically_normal().string();
    if (auto st = MakeDirs(out_dir); !st) return StageOutcome::FromError(st.error());
    ArtifactStore& store = *ctx.services.artifacts;
    auto rendered = RenderResultFromJson(job.render_result);
    if (!rendered) return StageOutcome::FromError(rendered.error());

    Json artifacts = Json::array();
    for (const Rendition& r : rendered->renditions) {
      if (ctx.cancel) return StageOutcome::FromError({ErrorCode::kCancelled, "cancelled", ""});
      auto stored = store.PutFile(r.video, "mp4");
      if (!stored) return StageOutcome::FromError(stored.error());
      std::string dest = out_dir + "/" + r.lang + "-" + AspectSlug(r.aspect) + ".mp4";
      if (auto st = CopyAtomic(r.video, dest); !st) return StageOutcome::FromError(st.error());
      artifacts.push_back({{"lang", r.lang},
                           {"aspect", r.aspect},
                           {"video", dest},
                           {"duration_s", r.duration_s},
                           {"width", r.width},
                           {"height", r.height},
                           {"key", stored->key},
                           {"sha256", stored->sha256},
                           {"size", stored->size}});
    }
    const std::string manifest = job.production_manifest.dump(2);
    const std::string qa = job.qa_report.dump(2, ' ', false, Json::error_handler_t::replace);
    auto manifest_stored = store.PutBytes(manifest, "json");
    if (!manifest_stored) return StageOutcome::FromError(manifest_stored.error());
    auto qa_stored = store.PutBytes(qa, "json");
    if (!qa_stored) return StageOutcome::FromError(qa_stored.error());
    for (const auto& [name, text] : {std::pair{"manifest.json", &manifest}, {"qa.json", &qa}}) {
      RemoveStaleTemporariesOf(out_dir + "/" + name);
      if (auto st = WriteFileAtomic(out_dir + "/" + name, *text); !st) {
        return StageOutcome::FromError(st.error());
      }
    }
    ctx.progress(1);
    return StageOutcome::Done(
        {{"output_dir", out_dir},
         {"artifacts", artifacts},
         {"manifest", out_dir + "/manifest.json"},
         {"qa", out_dir + "/qa.json"},
         {"store", store.Describe()},
         {"stored", {{"manifest", StoredJson(*manifest_stored)}, {"qa", StoredJson(*qa_stored)}}}});
  }
};

}  // namespace

std::unique_ptr<Stage> MakeDeliverStage() { return std::make_unique<DeliverStage>(); }

}  // namespace aiprod
