// Brand kits, API keys and the audit log.
#include "api/service_impl.h"
#include "core/ids.h"
#include "model/brand.h"

namespace aiprod::api {
namespace {

aiprod::Json KeyView(const ApiKeyRecord& k) {
  auto ts = [](const std::optional<int64_t>& ms) {
    return ms ? aiprod::Json(FormatTimestamp(*ms)) : aiprod::Json();
  };
  return {{"id", k.id},
          {"prefix", k.prefix},
          {"name", k.name},
          {"role", k.role},
          {"brands", k.brands},
          {"created_by", k.created_by},
          {"created_at", FormatTimestamp(k.created_at_ms)},
          {"last_used_at", ts(k.last_used_ms)},
          {"revoked_at", ts(k.revoked_ms)}};
}

}  // namespace

Result<HttpResponse> ApiService::Impl::GetBrand(Ctx& ctx) {
  const std::string& id = ctx.params[0];
  if (!ValidBrandId(id) || !ctx.principal->CanSeeBrand(id)) {
    return Fail(ErrorCode::kNotFound, "no such brand");
  }
  AIPROD_ASSIGN(auto stored, brands.Get(id));
  if (stored) {
    HttpResponse res = Reply(200, stored->kit);
    res.Set("ETag", "\"" + std::to_string(stored->revision) + "\"");
    return res;
  }
  auto kit = brand_source.Find(id);  // the brand kit files directory
  if (!kit && kit.error().code == ErrorCode::kNotFound) {
    return Fail(ErrorCode::kNotFound, "no such brand");
  }
  if (!kit) return Unexpected(kit.error());
  return Reply(200, BrandKitToJson(*kit));
}

Result<HttpResponse> ApiService::Impl::PutBrand(Ctx& ctx) {
  const std::string& id = ctx.params[0];
  if (!ValidBrandId(id) || !ctx.principal->CanSeeBrand(id)) {
    return Fail(ErrorCode::kNotFound, "no such brand");
  }
  if (auto bad = RequireJsonBody(ctx)) return std::move(*bad);
  AIPROD_ASSIGN(aiprod::Json body, ParseJsonStrict(ctx.req.body, "brand kit"));
  AIPROD_ASSIGN(BrandKit kit, BrandKitFromJson(body));
  if (kit.brand_id != id) return Invalid("brand_id", "must equal the brand id in the path");
  AIPROD_ASSIGN(auto stored, brands.Put(id, BrandKitToJson(kit), ctx.principal->id, clock.NowMs()));
  Audit(ctx, "brand.update", id, "success", {{"revision", stored.revision}}, id);
  HttpResponse res = Reply(200, stored.kit);
  res.Set("ETag", "\"" + std::to_string(stored.revision) + "\"");
  return res;
}

Result<HttpResponse> ApiService::Impl::CreateKey(Ctx& ctx) {
  if (auto bad = RequireJsonBody(ctx)) return std::move(*bad);
  AIPROD_ASSIGN(aiprod::Json body, ParseJsonStrict(ctx.req.body, "API key"));
  AIPROD_ASSIGN(auto r, ObjectReader::Open(body, ""));
  AIPROD_TRY(r.OnlyKeys({"name", "role", "brands"}));
  NewApiKey k;
  k.id = NewUuidV7(clock);
  AIPROD_ASSIGN(auto name, r.OptString("name", 200));
  k.name = name.value_or("");
  AIPROD_ASSIGN(k.role, r.String("role", 16));
  if (!ParseRole(k.role)) return Invalid("role", "must be viewer, editor or admin");
  const aiprod::Json* b = r.Find("brands");
  if (!b || !b->is_array() || b->empty() || b->size() > 100) {
    return Invalid("brands", "must be a list of 1 to 100 brand ids (or [\"*\"])");
  }
  for (size_t i = 0; i < b->size(); ++i) {
    if (!(*b)[i].is_string() || !ValidBrandId((*b)[i].get<std::string>(), true)) {
      return Invalid(ItemPath("brands", i), "is not a brand id");
    }
    k.brands.push_back((*b)[i]);
  }
  // A principal grants only brands it holds and roles up to its own.
  if (auto why = ctx.principal->GrantRefusal(*ParseRole(k.role), k.brands)) {
    Audit(ctx, "key.create", "", "forbidden", {{"role", k.role}, {"brands", k.brands}});
    return Problem(403, "forbidden", *why);
  }
  k.created_by = ctx.principal->id;
  AIPROD_ASSIGN(auto created, keys.Create(k, clock.NowMs()));
  Audit(ctx, "key.create", created.first.id, "success",
        {{"role", k.role}, {"brands", k.brands}, {"name", CutUtf8(k.name, 50)}},
        SingleBrand(k.brands));
  aiprod::Json out = KeyView(created.first);
  out["key"] = created.second;  // shown this once; only its hash is stored
  HttpResponse res = Reply(201, out);
  res.Set("Location", Url("/v1/api-keys/" + created.first.id));
  return res;
}

Result<HttpResponse> ApiService::Impl::ListKeys(Ctx& ctx) {
  AIPROD_ASSIGN(auto list, keys.List());
  aiprod::Json arr = aiprod::Json::array();
  for (const auto& k : list) {
    if (ctx.principal->CoversBrands(k.brands)) arr.push_back(KeyView(k));
  }
  return Reply(200, {{"api_keys", arr}});
}

Result<HttpResponse> ApiService::Impl::RevokeKey(Ctx& ctx) {
  const std::string& id = ctx.params[0];
  if (!IsUuid(id)) return Fail(ErrorCode::kNotFound, "no such API key");
  // Another brand's key and a missing key look the same: 404.
  auto key = keys.Get(id);
  if (!key && key.error().code != ErrorCode::kNotFound) return Unexpected(key.error());
  if (key && !ctx.principal->CoversBrands(key->brands)) {
    Audit(ctx, "key.revoke", id, "forbidden");
    return Fail(ErrorCode::kNotFound, "no such API key");
  }
  auto st = keys.Revoke(id, ctx.principal->id, clock.NowMs());
  Audit(ctx, "key.revoke", id, st ? "success" : std::string(CodeName(st.error().code)),
        aiprod::Json::object(), key ? SingleBrand(key->brands) : std::string());
  if (!st) return Unexpected(st.error());
  HttpResponse res;
  res.status = 204;
  return res;
}

Result<HttpResponse> ApiService::Impl::ListAudit(Ctx& ctx) {
  int64_t after = 0;
  int limit = 100;
  if (auto a = ctx.req.Query("after")) {
    char* end = nullptr;
    after = std::strtoll(a->c_str(), &end, 10);
    if (a->empty() || *end != '\0' || after < 0) return Invalid("after", "must be a row number");
  }
  if (auto l = ctx.req.Query("limit")) {
    char* end = nullptr;
    long v = std::strtol(l->c_str(), &end, 10);
    if (l->empty() || *end != '\0' || v < 1 || v > 1000) {
      return Invalid("limit", "must be between 1 and 1000");
    }
    limit = static_cast<int>(v);
  }
  // A brand-scoped admin sees the rows of its brands; rows of no brand are
  // for "*" admins.
  const Principal& p = *ctx.principal;
  AIPROD_ASSIGN(auto rows, p.AllBrands() ? audit.List(after, limit)
                                         : audit.ListForBrands(p.brands, after, limit));
  aiprod::Json arr = aiprod::Json::array();
  for (const auto& r : rows) {
    const AuditEntry& e = r.entry;
    arr.push_back({{"seq", r.seq},
                   {"at", FormatTimestamp(e.at_ms)},
                   {"principal", e.principal},
                   {"action", e.action},
                   {"target", e.target},
                   {"outcome", e.outcome},
                   {"request_id", e.request_id},
                   {"source", e.source},
                   {"detail", e.detail},
                   {"brand", e.brand.empty() ? aiprod::Json() : aiprod::Json(e.brand)},
                   {"prev_hash", r.prev_hash},
                   {"hash", r.hash}});
  }
  aiprod::Json out = {{"rows", arr}, {"next_after", nullptr}};
  if (static_cast<int>(rows.size()) == limit) out["next_after"] = rows.back().seq;
  return Reply(200, out);
}

}  // namespace aiprod::api
