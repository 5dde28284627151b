#include <atomic>
#include <chrono>
#include <cstdio>

#include "api/service_impl.h"
#include "core/ids.h"
#include "core/secrets.h"
#include "model/brief.h"

namespace aiprod::api {
namespace {

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 1;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool Match(const std::vector<std::string>& tmpl, std::string_view path,
           std::vector<std::string>* params) {
  if (path.empty() || path[0] != '/') return false;
  params->clear();
  size_t i = 1;
  for (size_t k = 0; k < tmpl.size(); ++k) {
    if (i > path.size()) return false;
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view seg = path.substr(i, j - i);
    const std::string& t = tmpl[k];
    if (!t.empty() && t.front() == '{') {
      if (seg.empty()) return false;
      params->push_back(PercentDecode(seg));
    } else if (seg != t) {
      return false;
    }
    i = j + 1;
  }
  return i == path.size() + 1;
}

// Request ids: the client's X-Request-Id when it is short and plain, else a
// process-unique counter behind a random prefix (cheap: no syscall).
std::string RequestIdFor(const HttpRequest& req) {
  if (const std::string* id = req.Find("x-request-id"); id && !id->empty() && id->size() <= 64) {
    bool plain = true;
    for (char c : *id) {
      plain = plain &&
              (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
    }
    if (plain) return *id;
  }
  static const std::string prefix = RandomHex(4);
  static std::atomic<uint64_t> counter{0};
  char buf[24];
  std::snprintf(buf, sizeof buf, "%010llx", static_cast<unsigned long long>(++counter));
  return prefix + "-" + buf;
}

}  // namespace

void WriteJobLinks(JsonWriter& w, const std::string& id) {
  std::string self = "/v1/jobs/" + id;
  w.Key("links")
      .BeginObject()
      .Member("self", self)
      .Member("manifest", self + "/manifest")
      .Member("events", self + "/events")
      .Member("artifacts", self + "/artifacts")
      .EndObject();
}

std::string JobView(const Job& job) {
  JsonWriter w;
  w.BeginObject();
  WriteJobMembers(w, job, JobFields::kPublic);
  WriteJobLinks(w, job.id);
  w.EndObject();
  return w.Take();
}

std::vector<ApiService::Impl::Route> ApiService::Impl::MakeRoutes() {
  using A = Access;
  std::vector<Route> r = {
      {"GET", "/health", {}, A::kPublic, Role::kViewer, &Impl::Health},
      {"GET", "/ready", {}, A::kPublic, Role::kViewer, &Impl::Ready},
      {"GET", "/metrics", {}, A::kPrincipal, Role::kAdmin, &Impl::MetricsText},
      {"GET", "/openapi.json", {}, A::kPrincipal, Role::kViewer, &Impl::OpenApi},
      {"POST", "/v1/jobs", {}, A::kPrincipal, Role::kEditor, &Impl::CreateJob},
      {"GET", "/v1/jobs", {}, A::kPrincipal, Role::kViewer, &Impl::ListJobs},
      {"GET", "/v1/jobs/{id}", {}, A::kPrincipal, Role::kViewer, &Impl::GetJob},
      {"GET", "/v1/jobs/{id}/manifest", {}, A::kPrincipal, Role::kViewer, &Impl::GetManifest},
      {"PUT", "/v1/jobs/{id}/manifest", {}, A::kPrincipal, Role::kEditor, &Impl::PutManifest},
      {"POST", "/v1/jobs/{id}/approve", {}, A::kPrincipal, Role::kEditor, &Impl::Approve},
      {"POST", "/v1/jobs/{id}/reject", {}, A::kPrincipal, Role::kEditor, &Impl::Reject},
      {"POST", "/v1/jobs/{id}/cancel", {}, A::kPrincipal, Role::kEditor, &Impl::Cancel},
      {"POST", "/v1/jobs/{id}/retry", {}, A::kPrincipal, Role::kEditor, &Impl::Retry},
      {"GET", "/v1/jobs/{id}/events", {}, A::kStreamToken, Role::kViewer, &Impl::Events},
      {"POST", "/v1/jobs/{id}/events/token", {}, A::kPrincipal, Role::kViewer, &Impl::EventsToken},
      {"GET", "/v1/jobs/{id}/artifacts", {}, A::kPrincipal, Role::kViewer, &Impl::Artifacts},
      {"GET", "/v1/files/{id}/{name}", {}, A::kSignedLink, Role::kViewer, &Impl::File},
      {"GET", "/v1/brands/{id}", {}, A::kPrincipal, Role::kViewer, &Impl::GetBrand},
      {"PUT", "/v1/brands/{id}", {}, A::kPrincipal, Role::kEditor, &Impl::PutBrand},
      {"POST", "/v1/api-keys", {}, A::kPrincipal, Role::kAdmin, &Impl::CreateKey},
      {"GET", "/v1/api-keys", {}, A::kPrincipal, Role::kAdmin, &Impl::ListKeys},
      {"DELETE", "/v1/api-keys/{id}", {}, A::kPrincipal, Role::kAdmin, &Impl::RevokeKey},
      {"GET", "/v1/audit", {}, A::kPrincipal, Role::kAdmin, &Impl::ListAudit},
      {"POST", "/pipeline/run", {}, A::kPrincipal, Role::kEditor, &Impl::CreateJob},
      {"GET", "/alerts", {}, A::kPrincipal, Role::kViewer, &Impl::Alerts},
      {"GET", "/icc/data", {}, A::kPrincipal, Role::kViewer, &Impl::IccData},
  };
  for (auto& route : r) route.segments = Split(route.path);
  return r;
}

std::vector<RouteInfo> ApiRoutes() {
  static const auto routes = ApiService::Impl::MakeRoutes();
  std::vector<RouteInfo> out;
  for (const auto& r : routes) out.push_back({r.method, r.path});
  return out;
}

ApiService::Impl::Impl(ApiDeps d)
    : deps(std::move(d)),
      config(*deps.config),
      clock(*deps.clock),
      store(*deps.store),
      keys(deps.db->api_keys()),
      audit_log(deps.db->OpenAuditLog(config.audit_key)),
      audit(*audit_log),
      brands(deps.db->brands()),
      idempotency(deps.db->idempotency()),
      queries(deps.db->job_queries()),
      feed(queries),
      brand_source(brands,
                   std::make_unique<FileBrandSource>(
                       config.brands_dir, static_cast<size_t>(config.limits.max_input_bytes))),
      auth(config.auth, keys, clock),
      limiter(config.limits.requests_per_s, config.limits.request_burst, clock),
      failures({config.audit.failure_rows_per_minute, config.audit.max_tracked_sources,
                config.limits.auth_failures_per_minute}),
      routes(MakeRoutes()),
      access_log(config.log_level == "debug" || config.log_level == "info") {}

HttpResponse ApiService::Impl::Reply(int status, const aiprod::Json& body) const {
  return ReplyText(status, body.dump(-1, ' ', false, aiprod::Json::error_handler_t::replace));
}

HttpResponse ApiService::Impl::ReplyText(int status, std::string json) const {
  HttpResponse r;
  r.status = status;
  r.body = std::move(json);
  r.Set("Content-Type", "application/json");
  return r;
}

std::optional<HttpResponse> ApiService::Impl::RequireJsonBody(const Ctx& ctx) const {
  const std::string* ct = ctx.req.Find("content-type");
  std::string_view v = ct ? std::string_view(*ct) : std::string_view();
  v = v.substr(0, v.find(';'));
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v != "application/json") {
    return Problem(415, "unsupported_media_type", "send the body as application/json");
  }
  return std::nullopt;
}

void ApiService::Impl::Audit(const Ctx& ctx, std::string action, const std::string& target,
                             std::string outcome, aiprod::Json detail, std::string brand) {
  // Whatever a request can make long (a path, a token's subject) is cut.
  const size_t max_chars = static_cast<size_t>(config.audit.max_field_chars);
  AuditEntry e;
  e.at_ms = clock.NowMs();
  e.principal = CutUtf8(ctx.principal ? ctx.principal->id : "", max_chars);
  e.action = std::move(action);
  e.target = CutUtf8(target, max_chars);
  e.outcome = std::move(outcome);
  e.request_id = ctx.request_id;
  e.source = ctx.req.remote_addr;
  e.detail = std::move(detail);
  for (auto& [k, v] : e.detail.items()) {
    if (v.is_string()) v = CutUtf8(v.get<std::string>(), max_chars);
  }
  e.brand = std::move(brand);
  if (auto st = audit.Append(std::move(e)); !st) {
    deps.log.Error("audit append failed",
                   {{"error", st.error().ToString()}, {"request_id", ctx.request_id}});
  }
}

void ApiService::Impl::AuditFailure(const Ctx& ctx, const std::string& action,
                                    const std::string& target, const std::string& reason,
                                    bool blocking) {
  if (failures.Admit(ctx.req.remote_addr, action, reason, clock.NowMs(), blocking)) {
    Audit(ctx, action, target, reason);
  }
}

void ApiService::Impl::FlushFailureCounts(bool everything) {
  for (const auto& a : failures.TakeAggregates(clock.NowMs(), everything)) {
    AuditEntry e;
    e.at_ms = clock.NowMs();
    e.action = a.action;
    e.outcome = a.reason;
    e.source = a.source;
    e.detail = {{"count", a.count},
                {"window_start", FormatTimestamp(a.window_start_ms)},
                {"window_s", FailureThrottle::kWindowMs / 1000}};
    if (auto st = audit.Append(std::move(e)); !st) {
      deps.log.Error("audit append failed", {{"error", st.error().ToString()}});
    }
  }
}

Result<Job> ApiService::Impl::JobFor(const Ctx& ctx, const std::string& id) {
  // Another brand's job and a missing job look the same: 404.
  if (!IsUuid(id)) return Fail(ErrorCode::kNotFound, "no such job");
  auto job = store.GetJob(id);
  if (!job && job.error().code == ErrorCode::kNotFound) {
    return Fail(ErrorCode::kNotFound, "no such job");
  }
  if (!job) return job;
  if (!ctx.principal || !ctx.principal->CanSeeBrand(job->brief.brand_id)) {
    return Fail(ErrorCode::kNotFound, "no such job");
  }
  return job;
}

std::string ApiService::Impl::Url(std::string_view path) const {
  std::string base = config.api.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + std::string(path);
}

HttpResponse ApiService::Impl::Dispatch(const Route& r, Ctx& ctx) {
  // An address that keeps failing is turned away before its credentials
  // are checked (limits.auth_failures_per_minute).
  if (r.access != Access::kPublic) {
    if (int64_t wait_ms = failures.BlockedForMs(ctx.req.remote_addr, clock.NowMs()); wait_ms > 0) {
      AuditFailure(ctx, r.access == Access::kSignedLink ? "link.denied" : "auth.failure",
                   ctx.req.method + " " + r.path, "too_many_failures", false);
      HttpResponse res = Problem(429, "too_many_failures",
                                 "too many failed credentials from this address; slow down");
      res.Set("Retry-After", std::to_string((wait_ms + 999) / 1000));
      return res;
    }
  }
  if (r.access == Access::kPrincipal || r.access == Access::kStreamToken) {
    bool by_token = r.access == Access::kStreamToken && ctx.req.Query("token").has_value();
    auto who = by_token ? StreamTokenPrincipal(ctx) : auth.Authenticate(ctx.req);
    if (!who) {
      AuditFailure(ctx, "auth.failure", ctx.req.method + " " + r.path, who.error().reason);
      HttpResponse res = Problem(401, "unauthorized", who.error().message);
      res.Set("WWW-Authenticate", "Bearer realm=\"aiprod\"");
      return res;
    }
    ctx.who = std::move(*who);
    ctx.principal = &*ctx.who;
    const Principal& principal = *ctx.principal;
    if (int64_t wait_ms = limiter.Acquire(principal.id); wait_ms > 0) {
      HttpResponse res = Problem(429, "rate_limited", "too many requests; slow down");
      res.Set("Retry-After", std::to_string((wait_ms + 999) / 1000));
      return res;
    }
    if (!principal.Has(r.role)) {
      Audit(ctx, "authz.denied", ctx.req.method + " " + ctx.req.path, "forbidden",
            {{"role", RoleName(principal.role)}, {"needs", RoleName(r.role)}});
      return Problem(403, "forbidden", "this needs the " + std::string(RoleName(r.role)) + " role");
    }
  }
  auto res = (this->*r.fn)(ctx);
  if (!res) {
    if (StatusFor(res.error().code) >= 500) {
      deps.log.Error(
          "request failed",
          {{"error", res.error().ToString()}, {"request_id", ctx.request_id}, {"route", r.path}});
    }
    return ProblemFrom(res.error());
  }
  return std::move(*res);
}

HttpResponse ApiService::Impl::Handle(HttpRequest& req) {
  auto t0 = std::chrono::steady_clock::now();
  Ctx ctx{req, nullptr, {}, {}, RequestIdFor(req)};
  const Route* route = nullptr;
  std::string allow;
  std::vector<std::string> params;
  for (const auto& r : routes) {
    if (!Match(r.segments, req.path, &params)) continue;
    allow += (allow.empty() ? "" : ", ") + r.method;
    if (r.method == req.method) {
      route = &r;
      ctx.params = params;
      break;
    }
  }
  HttpResponse res;
  std::string_view templ = route ? std::string_view(route->path) : "unmatched";
  if (route) {
    // A GET's reads (its key lookup, its job) share one read transaction,
    // and maybe the GETs of one event-loop turn too (ApiDeps::share_reads_for).
    std::unique_ptr<ReadScope> reads;
    if (route->method == "GET" &&
        (route->access == Access::kPrincipal || route->access == Access::kStreamToken)) {
      reads = deps.db->ShareReads(deps.share_reads_for);
    }
    res = Dispatch(*route, ctx);
  } else if (!allow.empty()) {
    res = Problem(405, "method_not_allowed", "allowed: " + allow);
    res.Set("Allow", allow);
  } else {
    res = Problem(404, "not_found", "no such route");
  }
  res.Set("X-Request-Id", ctx.request_id);
  res.Set("X-Content-Type-Options", "nosniff");
  if (!res.Find("Cache-Control")) res.Set("Cache-Control", "no-store");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  metrics.ObserveRequest(templ, route ? std::string_view(req.method) : "-", res.status, secs);
  if (access_log || res.status >= 500) {  // building the line costs as much as a request
    deps.log.Log(res.status >= 500 ? LogLevel::kWarn : LogLevel::kInfo, "request",
                 {{"method", req.method},
                  {"route", templ},
                  {"status", res.status},
                  {"ms", std::round(secs * 1e5) / 100},
                  {"request_id", ctx.request_id},
                  {"principal", ctx.principal ? ctx.principal->id : ""}});
  }
  return res;
}

ApiService::ApiService(ApiDeps deps) : impl_(std::make_unique<Impl>(std::move(deps))) {}
ApiService::~ApiService() = default;

Status ApiService::Init() {
  Impl& s = *impl_;
  AIPROD_TRY(s.auth.Init());
  s.signing_secret = s.config.signing_secret;
  if (s.signing_secret.empty()) {
    // Development only (production refuses to start without it): links
    // signed with a per-process secret stop working at restart.
    s.signing_secret = RandomHex(32);
    s.deps.log.Warn("signing_secret is not set: artifact links last until this process stops");
  }
  // Reading secrets is a security-relevant act: record which were read.
  Config copy = s.config;
  aiprod::Json redacted = copy.ToJsonRedacted();
  for (const auto& name : SecretSettingNames()) {
    if (redacted.value(name, "<unset>") == "<unset>") continue;
    AuditEntry e;
    e.at_ms = s.clock.NowMs();
    e.principal = "server";
    e.action = "secret.read";
    e.target = name;
    e.outcome = "success";
    e.source = "config";
    AIPROD_TRY(s.audit.Append(std::move(e)));
  }
  return {};
}

HttpResponse ApiService::Handle(HttpRequest& req) { return impl_->Handle(req); }

Metrics& ApiService::metrics() { return impl_->metrics; }

void ApiService::Maintenance(bool final) {
  Impl& s = *impl_;
  MutexLock lock(s.maintenance_mu);
  s.FlushFailureCounts(final);
  if (auto st = s.auth.FlushKeyUse(); !st) {
    s.deps.log.Warn("recording API key use failed", {{"error", st.error().ToString()}});
  }
  int64_t now = s.clock.NowMs();
  if (now - s.last_purge_ms > 3'600'000) {
    s.last_purge_ms = now;
    (void)s.idempotency.Purge(now - 24 * 3'600'000LL);
  }
}

}  // namespace aiprod::api
