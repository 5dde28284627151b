// Job routes: create, list, show, manifest edits, approve / reject / cancel /
// retry, event streams, artifacts and signed file links.
#include <algorithm>
#include <cctype>

#include "api/service_impl.h"
#include "api/stream_token.h"
#include "api/streams.h"
#include "artifacts/signed_url.h"
#include "core/hash.h"
#include "core/ids.h"
#include "model/manifest.h"
#include "pipeline/job_actions.h"

namespace aiprod::api {
namespace {

// The answer to kLimitReached (the brand's cap on unfinished jobs), on every
// route that makes a job runnable again: creation and retry.
HttpResponse TooManyActiveJobs(const Error& e) {
  HttpResponse res = Problem(429, "too_many_active_jobs", e.message);
  res.Set("Retry-After", "30");
  return res;
}

std::optional<int64_t> IfMatchRevision(const std::string* v) {
  if (!v) return std::nullopt;
  std::string digits;
  for (char c : *v) {
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  }
  if (digits.empty() || digits.size() > 9) return -1;
  return std::stoll(digits);
}

Json Summary(const Job& j) {
  Json s = {{"id", j.id},
            {"state", StateName(j.state)},
            {"preset", j.brief.preset},
            {"lang", j.brief.lang},
            {"brand_id", j.brief.brand_id.empty() ? Json() : Json(j.brief.brand_id)},
            {"created_at", FormatTimestamp(j.created_at_ms)},
            {"updated_at", FormatTimestamp(j.updated_at_ms)},
            {"links", {{"self", "/v1/jobs/" + j.id}}}};
  if (!j.error.empty()) s["error"] = j.error;
  return s;
}

}  // namespace

class ApiService::Impl::RequestAudit final : public ActionAudit {
 public:
  RequestAudit(Impl& service, const Ctx& ctx) : service_(service), ctx_(ctx) {}
  void Record(AuditEntry e) override {
    service_.Audit(ctx_, std::move(e.action), e.target, std::move(e.outcome), std::move(e.detail),
                   std::move(e.brand));
  }

 private:
  Impl& service_;
  const Ctx& ctx_;
};

Result<HttpResponse> ApiService::Impl::CreateJob(Ctx& ctx) {
  if (auto bad = RequireJsonBody(ctx)) return std::move(*bad);
  JobRequest request;
  AIPROD_ASSIGN(request.brief, ParseJsonStrict(ctx.req.body, "brief"));
  const Principal& p = *ctx.principal;
  std::optional<HttpResponse> refused;  // answers of HTTP's own (tenancy, idempotency)
  request.admit = [&](Brief& brief) -> Status {
    if (brief.brand_id.empty() && !p.AllBrands()) {
      if (p.brands.size() != 1)
        return Invalid("brand_id", "is required: you act for several brands");
      brief.brand_id = p.brands.front();
    }
    if (!p.CanSeeBrand(brief.brand_id)) {
      Audit(ctx, "job.create", brief.brand_id, "forbidden");
      refused = Problem(403, "forbidden", "you may not create jobs for brand " + brief.brand_id);
      return Fail(ErrorCode::kInvalidInput, "forbidden");
    }
    return {};
  };
  request.reserve_id = [&]() -> Result<ReservedJobId> {
    ReservedJobId id{NewUuidV7(clock), false};
    const std::string* key = ctx.req.Find("idempotency-key");
    if (!key) return id;
    if (key->empty() || key->size() > 255) {
      return Invalid("Idempotency-Key", "must be 1 to 255 characters");
    }
    const std::string hash = Sha256Hex(ctx.req.body);
    AIPROD_ASSIGN(auto rec, idempotency.Reserve(p.id, *key, hash, id.id, clock.NowMs()));
    if (rec.request_hash != hash) {
      refused = Problem(422, "idempotency_key_reused",
                        "this Idempotency-Key was used with a different request");
      return Fail(ErrorCode::kConflict, "idempotency key reused");
    }
    return ReservedJobId{rec.job_id, !rec.inserted};
  };
  RequestAudit audit(*this, ctx);
  auto submitted = SubmitJob({&config, &clock, &store, &brand_source, &queries, deps.translator},
                             std::move(request), {p.id, &audit});
  if (refused) return std::move(*refused);
  if (!submitted && submitted.error().code == ErrorCode::kLimitReached) {
    return TooManyActiveJobs(submitted.error());
  }
  if (!submitted) return Unexpected(submitted.error());
  if (!submitted->warning.empty()) {
    deps.log.Warn("job without its brand kit",
                  {{"job_id", submitted->job.id}, {"warning", submitted->warning}});
  }
  const Job& job = submitted->job;
  JsonWriter w;
  w.BeginObject().Member("id", job.id).Member("state", StateName(job.state));
  WriteJobLinks(w, job.id);
  HttpResponse res = ReplyText(202, w.EndObject().Take());
  res.Set("Location", Url("/v1/jobs/" + job.id));
  if (!submitted->created) res.Set("Idempotent-Replayed", "true");
  return res;
}

Result<HttpResponse> ApiService::Impl::ListJobs(Ctx& ctx) {
  const Principal& p = *ctx.principal;
  JobFilter f;
  if (auto s = ctx.req.Query("state"); s && !s->empty()) {
    f.state = StateFromName(*s);
    if (!f.state) return Invalid("state", "unknown state");
  }
  f.limit = 50;
  if (auto l = ctx.req.Query("limit")) {
    char* end = nullptr;
    long v = std::strtol(l->c_str(), &end, 10);
    if (l->empty() || *end != '\0' || v < 1 || v > 200) {
      return Invalid("limit", "must be between 1 and 200");
    }
    f.limit = static_cast<int>(v);
  }
  if (auto c = ctx.req.Query("cursor"); c && !c->empty()) {
    if (!IsUuid(*c)) return Invalid("cursor", "is not a cursor from this API");
    f.after_id = *c;
  }
  std::vector<std::string> brands_to_read;
  if (auto b = ctx.req.Query("brand"); b && !b->empty()) {
    if (!ValidBrandId(*b)) return Invalid("brand", "is not a brand id");
    if (p.CanSeeBrand(*b)) brands_to_read.push_back(*b);  // else: nothing visible
  } else if (p.AllBrands()) {
    brands_to_read.push_back("");  // no brand filter
  } else {
    brands_to_read = p.brands;
  }
  std::vector<Job> jobs;
  for (const auto& b : brands_to_read) {
    JobFilter one = f;
    if (!b.empty()) one.brand_id = b;
    AIPROD_ASSIGN(auto part, store.ListJobs(one));
    for (auto& j : part) jobs.push_back(std::move(j));
  }
  std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.id < b.id; });
  if (static_cast<int>(jobs.size()) > f.limit) jobs.resize(static_cast<size_t>(f.limit));
  aiprod::Json arr = aiprod::Json::array();
  for (const auto& j : jobs) arr.push_back(Summary(j));
  aiprod::Json out = {{"jobs", arr}, {"next_cursor", nullptr}};
  if (static_cast<int>(jobs.size()) == f.limit) out["next_cursor"] = jobs.back().id;
  return Reply(200, out);
}

Result<HttpResponse> ApiService::Impl::GetJob(Ctx& ctx) {
  AIPROD_ASSIGN(Job job, JobFor(ctx, ctx.params[0]));
  return ReplyText(200, JobView(job));
}

Result<HttpResponse> ApiService::Impl::GetManifest(Ctx& ctx) {
  AIPROD_ASSIGN(Job job, JobFor(ctx, ctx.params[0]));
  if (job.production_manifest.is_null()) {
    return Fail(ErrorCode::kNotFound,
                "the job has no manifest yet (state " + std::string(StateName(job.state)) + ")");
  }
  HttpResponse res = Reply(200, job.production_manifest);
  res.Set("ETag", "\"" + std::to_string(ManifestRevision(job.production_manifest)) + "\"");
  return res;
}

Result<HttpResponse> ApiService::Impl::PutManifest(Ctx& ctx) {
  if (auto bad = RequireJsonBody(ctx)) return std::move(*bad);
  auto want = IfMatchRevision(ctx.req.Find("if-match"));
  if (!want) {
    return Problem(428, "precondition_required",
                   "send If-Match with the manifest's ETag (its revision)");
  }
  AIPROD_ASSIGN(aiprod::Json body, ParseJsonStrict(ctx.req.body, "manifest"));
  AIPROD_ASSIGN(Job job, JobFor(ctx, ctx.params[0]));
  // The store compares and sets the revision inside the write, so an edit
  // racing this one (in any process) makes exactly one of them fail here.
  RequestAudit audit(*this, ctx);
  auto edit = EditManifest(store, job.id, body, *want, ManifestLimitsFor(config),
                           {ctx.principal->id, &audit}, clock.NowMs());
  if (!edit && edit.error().code == ErrorCode::kConflict) {
    AIPROD_ASSIGN(job, store.GetJob(job.id));
    int64_t revision = ManifestRevision(job.production_manifest);
    if (*want != revision && job.state == JobState::kAwaitingApproval) {
      HttpResponse res = Problem(412, "precondition_failed",
                                 "the manifest is at revision " + std::to_string(revision));
      res.Set("ETag", "\"" + std::to_string(revision) + "\"");
      return res;
    }
  }
  if (!edit) return Unexpected(edit.error());
  HttpResponse res = Reply(200, edit->manifest);
  res.Set("ETag", "\"" + std::to_string(edit->revision) + "\"");
  return res;
}

Result<HttpResponse> ApiService::Impl::Approve(Ctx& ctx) {
  // The revision the reviewer saw: If-Match (the manifest's ETag) or
  // {"revision": N}; without either, the current one, read by the write.
  std::optional<int64_t> revision;
  if (const std::string* m = ctx.req.Find("if-match")) {
    revision = IfMatchRevision(m);
    if (*revision < 0) return Invalid("If-Match", "must be the manifest's ETag (its revision)");
  }
  if (!ctx.req.body.empty()) {
    if (auto bad = RequireJsonBody(ctx)) return std::move(*bad);
    AIPROD_ASSIGN(aiprod::Json body, ParseJsonStrict(ctx.req.body, "approval"));
    AIPROD_ASSIGN(auto r, ObjectReader::Open(body, ""));
    AIPROD_TRY(r.OnlyKeys({"revision"}));
    AIPROD_ASSIGN(auto in_body, r.OptInt("revision", 0, 999'999'999));
    if (in_body && revision && *in_body != *revision) {
      return Invalid("revision", "differs from If-Match");
    }
    if (in_body) revision = in_body;
  }
  AIPROD_ASSIGN(Job job, JobFor(ctx, ctx.params[0]));
  RequestAudit audit(*this, ctx);
  if (auto st = ApproveJob(store, job.id, {ctx.principal->id, &audit}, clock.NowMs(), revision);
      !st) {
    if (revision && st.error().code == ErrorCode::kConflict) {
      // Answered like a stale If-Match on PUT: the reviewer saw another revision.
      AIPROD_ASSIGN(job, store.GetJob(job.id));
      const int64_t current = ManifestRevision(job.production_manifest);
      if (current != *revision && job.state == JobState::kAwaitingApproval) {
        HttpResponse res =
            Problem(412, "precondition_failed",
                    "the manifest is at revision " + std::to_string(current) +
                        ", not the revision " + std::to_string(*revision) + " you reviewed");
        res.Set("ETag", "\"" + std::to_string(current) + "\"");
        return res;
      }
    }
    return Unexpected(st.error());
  }
  AIPROD_ASSIGN(job, store.GetJob(job.id));
  const aiprod::Json approved =
      job.approved_revision ? aiprod::Json(*job.approved_revision) : aiprod::Json();
  return Reply(200, {{"id", job.id},
                     {"state", "awaiting_approval"},
                     {"approved", true},
                     {"approved_revision", approved}});
}

Result<HttpResponse> ApiService::Impl::Reject(Ctx& ctx) {
  std::string reason;
  if (!ctx.req.body.empty()) {
    if (auto bad = RequireJsonBody(ctx)) return std::move(*bad);
    AIPROD_ASSIGN(aiprod::Json body, ParseJsonStrict(ctx.req.body, "rejection"));
    AIPROD_ASSIGN(auto r, ObjectReader::Open(body, ""));
    AIPROD_TRY(r.OnlyKeys({"reason"}));
    AIPROD_ASSIGN(auto why, r.OptString("reason", 1000));
    reason = why.value_or("");
  }
  AIPROD_ASSIGN(Job job, JobFor(ctx, ctx.params[0]));
  RequestAudit audit(*this, ctx);
  if (auto st = RejectJob(store, job.id, {ctx.principal->id, &audit}, reason, clock.NowMs()); !st) {
    return Unexpected(st.error());
  }
  return Reply(200, {{"id", job.id}, {"state", "failed"}});
}

Result<HttpResponse> ApiService::Impl::Cancel(Ctx& ctx) {
  AIPROD_ASSIGN(Job job, JobFor(ctx, ctx.params[0]));
  auto state = store.RequestCancel(job.id, ctx.principal->id, clock.NowMs());
  Audit(ctx, "job.cancel", job.id, state ? "success" : std::string(CodeName(state.error().code)),
        aiprod::Json::object(), job.brief.brand_id);
  if (!state) return Unexpected(state.error());
  bool done = *state == JobState::kCancelled;
  return Reply(done ? 200 : 202,
               {{"id", job.id}, {"state", StateName(*state)}, {"cancel_requested", !done}});
}

Result<HttpResponse> ApiService::Impl::Retry(Ctx& ctx) {
  AIPROD_ASSIGN(Job job, JobFor(ctx, ctx.params[0]));
  // A retried job is unfinished again: it counts against its brand's cap
  // (a job that cannot be retried gets the store's 409 instead).
  if (IsRetryable(job.state)) {
    if (auto cap = CheckActiveJobCap(queries, config, job.brief.brand_id); !cap) {
      if (cap.error().code != ErrorCode::kLimitReached) return Unexpected(cap.error());
      Audit(ctx, "job.retry", job.id, "too_many_active_jobs", aiprod::Json::object(),
            job.brief.brand_id);
      return TooManyActiveJobs(cap.error());
    }
  }
  auto state = store.Retry(job.id, ctx.principal->id, clock.NowMs());
  Audit(ctx, "job.retry", job.id, state ? "success" : std::string(CodeName(state.error().code)),
        aiprod::Json::object(), job.brief.brand_id);
  if (!state) return Unexpected(state.error());
  return Reply(202, {{"id", job.id}, {"state", StateName(*state)}});
}

Result<HttpResponse> ApiService::Impl::Events(Ctx& ctx) {
  AIPROD_ASSIGN(Job job, JobFor(ctx, ctx.params[0]));
  int64_t after = 0;
  const std::string* last = ctx.req.Find("last-event-id");
  std::optional<std::string> q = ctx.req.Query("after");
  std::string from = last ? *last : q.value_or("0");
  char* end = nullptr;
  after = std::strtoll(from.c_str(), &end, 10);
  if (from.empty() || *end != '\0' || after < 0) return Invalid("after", "must be an event id");
  HttpResponse res;
  if (IsTerminal(job.state)) {
    // Finished and nothing left to send: 204 is how the EventSource standard
    // tells a client to stop reconnecting.
    AIPROD_ASSIGN(auto rest, feed.After(job.id, after, 1));
    if (rest.empty()) {
      res.status = 204;
      return res;
    }
  }
  const Principal& p = *ctx.principal;
  StreamAccess access;
  access.slot = stream_slots.Take(p.id, config.api.max_streams_per_principal);
  if (!access.slot) {
    res = Problem(429, "too_many_streams",
                  "you already have " + std::to_string(config.api.max_streams_per_principal) +
                      " event streams open");
    res.Set("Retry-After", "5");
    return res;
  }
  access.poll = std::chrono::milliseconds(config.api.sse_poll_ms);
  access.recheck_ms = static_cast<int64_t>(config.api.stream_recheck_s * 1000);
  access.until_ms = p.expires_at_s * 1000;
  if (!p.key_id.empty()) {
    access.still_allowed = [this, id = p.key_id] { return auth.ActiveKey(id).has_value(); };
  }
  res.Set("Content-Type", "text/event-stream");
  res.Set("Cache-Control", "no-store");
  res.stream = MakeEventStream(feed, clock, job.id, after, std::move(access));
  return res;
}

Result<HttpResponse> ApiService::Impl::EventsToken(Ctx& ctx) {
  AIPROD_ASSIGN(Job job, JobFor(ctx, ctx.params[0]));
  const Principal& p = *ctx.principal;
  int64_t expires = clock.NowMs() / 1000 + static_cast<int64_t>(config.api.stream_token_ttl_s);
  if (p.expires_at_s > 0) expires = std::min(expires, p.expires_at_s);
  std::string token = IssueStreamToken(signing_secret, {job.id, p.id, expires, p.expires_at_s});
  return Reply(200, {{"token", token},
                     {"expires_at", FormatTimestamp(expires * 1000)},
                     {"url", Url("/v1/jobs/" + job.id + "/events?token=" + token)}});
}

std::expected<Principal, AuthFailure> ApiService::Impl::StreamTokenPrincipal(const Ctx& ctx) {
  StreamGrant grant;
  LinkVerdict v =
      VerifyStreamToken(signing_secret, ctx.params[0], ctx.req.Query("token").value_or(""),
                        clock.NowMs() / 1000, &grant);
  if (v == LinkVerdict::kExpired) {
    return std::unexpected(
        AuthFailure{"stream_token_expired", "the stream token has expired: ask for a new one"});
  }
  if (v != LinkVerdict::kValid) {
    return std::unexpected(AuthFailure{"stream_token_invalid", "invalid stream token"});
  }
  // An API key is looked up again: a revoked key's tokens die with it.
  if (grant.principal_id.starts_with("key:")) return auth.ActiveKey(grant.principal_id.substr(4));
  // A JWT's claims are not stored anywhere: the token stands for them as
  // they were when it was issued (the job was visible), for this one job and
  // until the JWT's own expiry: a viewer of the job's brand.
  auto job = store.GetJob(grant.job_id);
  if (!job && job.error().code != ErrorCode::kNotFound) {
    return std::unexpected(AuthFailure{"auth_unavailable", "cannot check the token right now"});
  }
  std::vector<std::string> brands;
  if (job) brands.push_back(job->brief.brand_id.empty() ? "*" : job->brief.brand_id);
  return Principal{grant.principal_id, Role::kViewer, std::move(brands), {}, grant.until_s};
}

Result<HttpResponse> ApiService::Impl::Artifacts(Ctx& ctx) {
  AIPROD_ASSIGN(Job job, JobFor(ctx, ctx.params[0]));
  AIPROD_ASSIGN(auto delivered, store.GetCheckpoint(job.id, "deliver"));
  if (job.state != JobState::kDelivered || !delivered) {
    return Fail(ErrorCode::kConflict,
                "the job has not been delivered (it is " + std::string(StateName(job.state)) + ")");
  }
  int64_t expires = clock.NowMs() / 1000 + static_cast<int64_t>(config.api.link_ttl_s);
  auto link = [&](const std::string& file) {
    std::string name = file.substr(file.rfind('/') + 1);
    return Url(aiprod::SignedUrl(signing_secret, "/v1/files/" + job.id + "/" + name, expires));
  };
  aiprod::Json list = aiprod::Json::array();
  for (const auto& a : delivered->value("artifacts", aiprod::Json::array())) {
    std::string video = a.value("video", "");
    list.push_back({{"lang", a.value("lang", "")},
                    {"aspect", a.value("aspect", "")},
                    {"name", video.substr(video.rfind('/') + 1)},
                    {"url", link(video)},
                    {"duration_s", a.value("duration_s", 0.0)},
                    {"width", a.value("width", 0)},
                    {"height", a.value("height", 0)}});
  }
  aiprod::Json out = {
      {"job_id", job.id}, {"expires_at", FormatTimestamp(expires * 1000)}, {"artifacts", list}};
  for (const char* k : {"manifest", "qa"}) {
    if (delivered->contains(k)) out[k] = link((*delivered)[k].get<std::string>());
  }
  return Reply(200, out);
}

Result<HttpResponse> ApiService::Impl::File(Ctx& ctx) {
  const std::string& id = ctx.params[0];
  const std::string& name = ctx.params[1];
  std::string path = "/v1/files/" + id + "/" + name;
  // The link scheme is storage's (artifacts/signed_url.h): the same wire format
  // as every other signed artifact URL.
  LinkVerdict check = VerifyLink(signing_secret, path, ctx.req.Query("expires").value_or(""),
                                 ctx.req.Query("sig").value_or(""), clock.NowMs() / 1000);
  if (check != LinkVerdict::kValid) {
    AuditFailure(ctx, "link.denied", path, std::string(LinkVerdictName(check)));
    return Problem(403, "forbidden",
                   check == LinkVerdict::kExpired ? "the link has expired" : "invalid link");
  }
  if (!IsUuid(id)) return Fail(ErrorCode::kNotFound, "no such file");
  AIPROD_ASSIGN(auto delivered, store.GetCheckpoint(id, "deliver"));
  if (!delivered) return Fail(ErrorCode::kNotFound, "no such file");
  // Only files the deliver stage listed can be served: the name selects one.
  std::string file;
  for (const auto& a : delivered->value("artifacts", aiprod::Json::array())) {
    std::string v = a.value("video", "");
    if (v.substr(v.rfind('/') + 1) == name) file = v;
  }
  for (const char* k : {"manifest", "qa"}) {
    std::string v = delivered->value(k, "");
    if (!v.empty() && v.substr(v.rfind('/') + 1) == name) file = v;
  }
  if (file.empty()) return Fail(ErrorCode::kNotFound, "no such file");
  std::string type = name.ends_with(".mp4")    ? "video/mp4"
                     : name.ends_with(".json") ? "application/json"
                     : name.ends_with(".vtt")  ? "text/vtt"
                                               : "application/octet-stream";
  return ServeFile(file, type, ctx.req.Find("range"));
}

}  // namespace aiprod::api
