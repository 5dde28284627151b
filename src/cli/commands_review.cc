// `aiprod review|edit|approve|reject JOB`: the human step of a job held at
// awaiting_approval. The logic, audit rows included, is shared with the API
// (pipeline/job_actions); the operator acts as "cli:<login>".
#include "cli/app.h"
#include "core/files.h"
#include "pipeline/job_actions.h"

namespace aiprod::cli {
namespace {

// The on-screen text of a scene: its first text layer.
std::string SceneText(const Json& scene) {
  for (const auto& layer : scene.value("layers", Json::array())) {
    if (layer.contains("text") && layer["text"].is_string()) return layer["text"];
  }
  return "";
}

int Review(GlobalOptions& g, const std::string& id) {
  App app(g);
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  auto job = app.store().GetJob(id);
  if (!job) return ReportError(job.error(), g.json);
  const Json& m = job->production_manifest;
  if (m.is_null()) {
    return ReportError(
        {ErrorCode::kConflict,
         "job " + id + " has no manifest yet (it is " + std::string(StateName(job->state)) + ")",
         ""},
        g.json);
  }
  if (g.json) {
    PrintJson({{"job_id", id},
               {"state", StateName(job->state)},
               {"approved", job->approved},
               {"revision", ManifestRevision(m)},
               {"manifest", m},
               {"cost_estimate", job->cost_estimate},
               {"edits_history", job->edits_history}});
    return 0;
  }
  std::printf("job %s  state %s  revision %lld%s\n", id.c_str(),
              std::string(StateName(job->state)).c_str(),
              static_cast<long long>(ManifestRevision(m)), job->approved ? "  (approved)" : "");
  for (const auto& v : m.value("variants", Json::array())) {
    std::printf("\n[%s] %s\n", v.value("lang", "").c_str(), v.value("title", "").c_str());
    int i = 0;
    for (const auto& s : v.value("scenes", Json::array())) {
      std::printf("  %d. %-6s %5.1fs  \"%s\"\n", ++i, s.value("id", "").c_str(),
                  s.value("duration_s", 0.0), SceneText(s).c_str());
      if (s.contains("narration")) {
        std::printf("             says: %s\n", s["narration"].value("text", "").c_str());
      }
    }
  }
  if (!job->cost_estimate.is_null()) {
    std::printf("\nestimate: %.1f CPU-s, $%.4f\n", job->cost_estimate.value("cpu_s", 0.0),
                job->cost_estimate.value("usd", 0.0));
  }
  if (job->edits_history.is_array() && !job->edits_history.empty()) {
    std::printf("\nedits:\n");
    for (const auto& e : job->edits_history) {
      std::printf("  r%lld by %s at %s: %s\n",
                  static_cast<long long>(e.value("revision", int64_t{0})),
                  e.value("by", "").c_str(), e.value("at", "").c_str(),
                  e.value("changes", Json::array()).dump().c_str());
    }
  }
  if (job->state == JobState::kAwaitingApproval && !job->approved) {
    std::printf(
        "\nnext: aiprod edit %s --file PATCH.json | aiprod approve %s | aiprod reject %s "
        "--reason TEXT\n",
        id.c_str(), id.c_str(), id.c_str());
  }
  return 0;
}

// PATCH.json is an RFC 6902 JSON Patch (an array of operations) or an RFC 7386
// merge patch (an object), applied to the stored manifest; or, with --replace,
// the whole new manifest.
int Edit(GlobalOptions& g, const std::string& id, const std::string& file, bool replace,
         std::optional<int64_t> expect_revision) {
  App app(g);
  auto text = ReadFile(file, 4 << 20);
  if (!text) return ReportError({ErrorCode::kInvalidInput, text.error().message, "--file"}, g.json);
  auto patch = ParseJsonStrict(*text, "--file");
  if (!patch) return ReportError(patch.error(), g.json);
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  auto job = app.store().GetJob(id);
  if (!job) return ReportError(job.error(), g.json);
  Json edited;
  if (replace) {
    edited = *patch;
  } else if (patch->is_array()) {
    try {
      edited = job->production_manifest.patch(*patch);
    } catch (const std::exception& e) {
      return ReportError(
          {ErrorCode::kInvalidInput, std::string("cannot apply: ") + e.what(), "--file"}, g.json);
    }
  } else if (patch->is_object()) {
    edited = job->production_manifest;
    edited.merge_patch(*patch);
  } else {
    return ReportError(
        {ErrorCode::kInvalidInput, "must be a JSON Patch array or a merge-patch object", "--file"},
        g.json);
  }
  auto edit = EditManifest(app.store(), id, edited, expect_revision,
                           ManifestLimitsFor(app.config()), app.actor(), app.clock().NowMs());
  if (!edit) return ReportError(edit.error(), g.json);
  if (g.json) {
    PrintJson({{"job_id", id}, {"revision", edit->revision}, {"changes", edit->changes}});
  } else {
    std::printf("job %s: manifest revision %lld (%s)\n", id.c_str(),
                static_cast<long long>(edit->revision),
                edit->changes.empty() ? "no changes" : edit->changes.dump().c_str());
  }
  return 0;
}

int Approve(GlobalOptions& g, const std::string& id, std::optional<int64_t> revision) {
  App app(g);
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  if (auto st = ApproveJob(app.store(), id, app.actor(), app.clock().NowMs(), revision); !st) {
    return ReportError(st.error(), g.json);
  }
  if (g.json) {
    Json out = {{"job_id", id}, {"approved", true}};
    if (auto job = app.store().GetJob(id); job && job->approved_revision) {
      out["approved_revision"] = *job->approved_revision;
    }
    PrintJson(out);
  } else {
    std::printf("job %s approved; it renders on the next `aiprod resume %s` or by a worker\n",
                id.c_str(), id.c_str());
  }
  return 0;
}

int Reject(GlobalOptions& g, const std::string& id, const std::string& reason) {
  App app(g);
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  if (auto st = RejectJob(app.store(), id, app.actor(), reason, app.clock().NowMs()); !st) {
    return ReportError(st.error(), g.json);
  }
  if (g.json) {
    PrintJson({{"job_id", id}, {"state", "failed"}, {"reason", reason}});
  } else {
    std::printf("job %s rejected: %s\n", id.c_str(), reason.c_str());
  }
  return 0;
}

}  // namespace

void AddReviewCommands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string id, file, reason;
    bool replace = false;
    std::optional<int64_t> expect_revision, revision;
  };
  auto args = std::make_shared<Args>();  // owned by the callbacks, which live as long as `app`

  auto* review = app.add_subcommand("review", "Show the plan of a job held for review");
  review->add_option("job", args->id, "Job id")->required();
  review->callback([&g, &exit_code, args] { exit_code = Review(g, args->id); });

  auto* edit = app.add_subcommand("edit", "Edit the manifest of a job held for review");
  edit->add_option("job", args->id, "Job id")->required();
  edit->add_option("--file", args->file,
                   "JSON Patch (array, RFC 6902) or merge patch (object, RFC 7386) of the "
                   "manifest")
      ->required();
  edit->add_flag("--replace", args->replace, "The file is the whole new manifest");
  edit->add_option("--expect-revision", args->expect_revision,
                   "Refuse unless the manifest is still at this revision");
  edit->callback([&g, &exit_code, args] {
    exit_code = Edit(g, args->id, args->file, args->replace, args->expect_revision);
  });

  auto* approve = app.add_subcommand("approve", "Approve a job waiting for review");
  approve->add_option("job", args->id, "Job id")->required();
  approve->add_option("--revision", args->revision,
                      "The manifest revision reviewed (`aiprod review` shows it); refused if an "
                      "edit came after it");
  approve->callback([&g, &exit_code, args] { exit_code = Approve(g, args->id, args->revision); });

  auto* reject = app.add_subcommand("reject", "Reject a job waiting for review (it fails)");
  reject->add_option("job", args->id, "Job id")->required();
  reject->add_option("--reason", args->reason, "Why, for the requester")->required();
  reject->callback([&g, &exit_code, args] { exit_code = Reject(g, args->id, args->reason); });
}

}  // namespace aiprod::cli
