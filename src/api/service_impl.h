// Private to src/api: the service's state and handlers, split over
// service.cc (dispatch), jobs_handlers.cc, admin_handlers.cc, ops_handlers.cc.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/auth/authenticator.h"
#include "api/event_feed.h"
#include "api/failure_throttle.h"
#include "api/metrics.h"
#include "api/problem.h"
#include "api/rate_limiter.h"
#include "api/service.h"
#include "api/streams.h"
#include "core/thread_annotations.h"
#include "model/manifest.h"
#include "pipeline/db_brand_source.h"
#include "pipeline/job_actions.h"
#include "store/audit_log.h"
#include "store/brands.h"
#include "store/idempotency.h"
#include "store/job_queries.h"

namespace aiprod::api {

struct Ctx {
  HttpRequest& req;
  const Principal* principal = nullptr;  // null on public and signed-link routes; else &*who
  std::optional<Principal> who;
  std::vector<std::string> params;  // path parameters in template order
  std::string request_id;
};

struct ApiService::Impl {
  using Fn = Result<HttpResponse> (Impl::*)(Ctx&);
  // kStreamToken: a principal, or instead a stream token in `?token=`
  // (api/stream_token.h) for the job the path names.
  enum class Access { kPublic, kPrincipal, kSignedLink, kStreamToken };
  struct Route {
    std::string method;
    std::string path;  // template
    std::vector<std::string> segments;
    Access access = Access::kPrincipal;
    Role role = Role::kViewer;
    Fn fn = nullptr;
  };

  explicit Impl(ApiDeps d);
  static std::vector<Route> MakeRoutes();

  HttpResponse Handle(HttpRequest& req);
  HttpResponse Dispatch(const Route& r, Ctx& ctx);

  // Helpers.
  HttpResponse Reply(int status, const aiprod::Json& body) const;
  HttpResponse ReplyText(int status, std::string json) const;  // already JSON text
  std::optional<HttpResponse> RequireJsonBody(const Ctx& ctx) const;
  // `brand`: the brand the target belongs to ("" for none or several), so
  // that brand-scoped admins see the row (AuditEntry::brand).
  void Audit(const Ctx& ctx, std::string action, const std::string& target, std::string outcome,
             aiprod::Json detail = aiprod::Json::object(), std::string brand = {});
  // A failed credential check (`reason`: its code), throttled per client
  // address (api/failure_throttle.h); `blocking`: counts towards the 429.
  void AuditFailure(const Ctx& ctx, const std::string& action, const std::string& target,
                    const std::string& reason, bool blocking = true);
  // Writes the counted failures of ended minutes (of all when `everything`).
  void FlushFailureCounts(bool everything);
  Result<Job> JobFor(const Ctx& ctx, const std::string& id);
  std::string Url(std::string_view path) const;

  // The job actions' audit sink (pipeline/job_actions): rows written as this
  // request's (its principal, id and client address). jobs_handlers.cc.
  class RequestAudit;

  // Handlers: jobs_handlers.cc.
  Result<HttpResponse> CreateJob(Ctx& ctx);
  Result<HttpResponse> ListJobs(Ctx& ctx);
  Result<HttpResponse> GetJob(Ctx& ctx);
  Result<HttpResponse> GetManifest(Ctx& ctx);
  Result<HttpResponse> PutManifest(Ctx& ctx);
  Result<HttpResponse> Approve(Ctx& ctx);
  Result<HttpResponse> Reject(Ctx& ctx);
  Result<HttpResponse> Cancel(Ctx& ctx);
  Result<HttpResponse> Retry(Ctx& ctx);
  Result<HttpResponse> Events(Ctx& ctx);
  Result<HttpResponse> EventsToken(Ctx& ctx);
  // The principal a `?token=` stands for, re-checked (a revoked key's fails).
  std::expected<Principal, AuthFailure> StreamTokenPrincipal(const Ctx& ctx);
  Result<HttpResponse> Artifacts(Ctx& ctx);
  Result<HttpResponse> File(Ctx& ctx);
  // admin_handlers.cc.
  Result<HttpResponse> GetBrand(Ctx& ctx);
  Result<HttpResponse> PutBrand(Ctx& ctx);
  Result<HttpResponse> CreateKey(Ctx& ctx);
  Result<HttpResponse> ListKeys(Ctx& ctx);
  Result<HttpResponse> RevokeKey(Ctx& ctx);
  Result<HttpResponse> ListAudit(Ctx& ctx);
  // ops_handlers.cc.
  Result<HttpResponse> Health(Ctx& ctx);
  Result<HttpResponse> Ready(Ctx& ctx);
  Result<HttpResponse> MetricsText(Ctx& ctx);
  Result<HttpResponse> OpenApi(Ctx& ctx);
  Result<HttpResponse> Alerts(Ctx& ctx);
  Result<HttpResponse> IccData(Ctx& ctx);

  ApiDeps deps;
  const Config& config;
  const Clock& clock;
  Store& store;
  ApiKeyRepository& keys;
  std::unique_ptr<AuditLog> audit_log;  // keyed with config.audit_key
  AuditLog& audit;
  BrandRepository& brands;
  IdempotencyRepository& idempotency;
  JobQueries& queries;
  PollingEventFeed feed;
  DbBrandSource brand_source;
  Authenticator auth;
  RateLimiter limiter;
  FailureThrottle failures;  // failed credential checks per client address
  StreamSlots stream_slots;  // open event streams per principal
  Metrics metrics;
  std::string signing_secret;
  std::vector<Route> routes;
  bool access_log;  // one info line per request (log.level info or debug)
  Mutex maintenance_mu;
  int64_t last_purge_ms GUARDED_BY(maintenance_mu) = 0;
};

// The API's view of a job, as JSON text: its public members (no server paths,
// no lease internals) and its links.
std::string JobView(const Job& job);
void WriteJobLinks(JsonWriter& w, const std::string& id);  // the "links" member

}  // namespace aiprod::api
