// Tenancy: an admin of brand "acme" (an API key or a JWT) is an admin of acme
// only. Every route of api::ApiRoutes(), called by such an admin against
// brand "globex", is refused or filtered — the table below must name every
// route, so a new route cannot forget to say how it is scoped. Then the
// grant rule (Principal::GrantRefusal) and the scoped key and audit routes
// one by one.
#include <map>
#include <set>

#include "api/auth/principal.h"
#include "api/service.h"
#include "fixture.h"
#include "store/api_keys.h"

namespace aiprod::testing {
namespace {

using api::Principal;
using api::Role;

// How a route answers a brand-scoped admin asking about another brand.
enum class Scope {
  kNotFound,   // another brand's resource looks missing: 404
  kForbidden,  // refused outright: 403
  kFiltered,   // 200, with nothing of the other brand in it
  kUnscoped,   // holds no brand's data (health, the OpenAPI document)
  kSignedLink  // needs a signed link, not a principal: 403 without one
};

struct Probe {
  std::string path;  // concrete path
  std::string body;  // sent when not empty (as JSON)
  Scope scope;
};

class TenancyTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    // Globex's things, made by the "*" admin: a job held for review, a
    // failed job (an alert), a brand kit, a key; and some of acme's.
    globex_job_ = CreateJob(admin_, {{"brand_id", "globex"}, {"review", true}});
    ParkForReview(globex_job_);
    globex_failed_ = CreateJob(admin_, {{"brand_id", "globex"}, {"review", true}});
    ParkForReview(globex_failed_);
    ASSERT_EQ(http_
                  ->Post("/v1/jobs/" + globex_failed_ + "/reject", R"({"reason": "no"})",
                         {Bearer(admin_)})
                  .status,
              200);
    globex_key_id_ = CreateKeyAs(admin_, "editor", {"globex"});
    globex_key_ = last_key_;
    acme_job_ = CreateJob(admin_, {{"brand_id", "acme"}, {"review", true}});
    ParkForReview(acme_job_);
    acme_key_id_ = CreateKeyAs(admin_, "viewer", {"acme"});
  }

  // POST /v1/api-keys as `as`; asserts 201; returns the id (the key in last_key_).
  std::string CreateKeyAs(const std::string& as, const std::string& role,
                          std::vector<std::string> brands) {
    Json body = {{"role", role}, {"brands", brands}};
    auto r = http_->Post("/v1/api-keys", body.dump(), {Bearer(as)});
    EXPECT_EQ(r.status, 201) << r.body;
    last_key_ = r.json().value("key", "");
    return r.json().value("id", "");
  }

  // The brand-scoped admins of acme: an API key and a JWT.
  const std::vector<std::pair<std::string, std::string>>& AcmeAdmins() {
    if (acme_admins_.empty()) {
      acme_admins_ = {{"key", Key("admin", {"acme"})},
                      {"jwt", Hs256(Claims("ann", "admin", {"acme"}))}};
    }
    return acme_admins_;
  }

  // Text that betrays globex's data in a reply.
  std::vector<std::string> GlobexMarks() const {
    return {"globex", globex_job_, globex_failed_, globex_key_id_};
  }
  bool MentionsGlobex(const std::string& body) const { return Leaks(body, ""); }
  // True if `body` shows globex's data that `request` did not already name.
  bool Leaks(const std::string& body, const std::string& request) const {
    for (const auto& m : GlobexMarks()) {
      if (body.find(m) != std::string::npos && request.find(m) == std::string::npos) return true;
    }
    return false;
  }

  // Every route: the request that tries to reach globex, and how it must end.
  std::map<std::string, Probe> Table() {
    const std::string job = "/v1/jobs/" + globex_job_;
    const std::string grant = R"({"role": "viewer", "brands": ["globex"]})";
    const std::string brief = R"({"content": "Hi.", "brand_id": "globex"})";
    using enum Scope;
    return {
        {"GET /health", {"/health", "", kUnscoped}},
        {"GET /ready", {"/ready", "", kUnscoped}},
        {"GET /metrics", {"/metrics", "", kForbidden}},
        {"GET /openapi.json", {"/openapi.json", "", kUnscoped}},
        {"POST /v1/jobs", {"/v1/jobs", brief, kForbidden}},
        {"GET /v1/jobs", {"/v1/jobs", "", kFiltered}},
        {"GET /v1/jobs/{id}", {job, "", kNotFound}},
        {"GET /v1/jobs/{id}/manifest", {job + "/manifest", "", kNotFound}},
        {"PUT /v1/jobs/{id}/manifest", {job + "/manifest", SampleManifest().dump(), kNotFound}},
        {"POST /v1/jobs/{id}/approve", {job + "/approve", "{}", kNotFound}},
        {"POST /v1/jobs/{id}/reject", {job + "/reject", "{}", kNotFound}},
        {"POST /v1/jobs/{id}/cancel", {job + "/cancel", "{}", kNotFound}},
        {"POST /v1/jobs/{id}/retry", {"/v1/jobs/" + globex_failed_ + "/retry", "{}", kNotFound}},
        {"GET /v1/jobs/{id}/events", {job + "/events", "", kNotFound}},
        {"POST /v1/jobs/{id}/events/token", {job + "/events/token", "{}", kNotFound}},
        {"GET /v1/jobs/{id}/artifacts", {job + "/artifacts", "", kNotFound}},
        {"GET /v1/files/{id}/{name}", {"/v1/files/" + globex_job_ + "/x.mp4", "", kSignedLink}},
        {"GET /v1/brands/{id}", {"/v1/brands/globex", "", kNotFound}},
        {"PUT /v1/brands/{id}", {"/v1/brands/globex", R"({"brand_id": "globex"})", kNotFound}},
        {"POST /v1/api-keys", {"/v1/api-keys", grant, kForbidden}},
        {"GET /v1/api-keys", {"/v1/api-keys", "", kFiltered}},
        {"DELETE /v1/api-keys/{id}", {"/v1/api-keys/" + globex_key_id_, "", kNotFound}},
        {"GET /v1/audit", {"/v1/audit?limit=1000", "", kFiltered}},
        {"POST /pipeline/run", {"/pipeline/run", brief, kForbidden}},
        {"GET /alerts", {"/alerts", "", kFiltered}},
        {"GET /icc/data", {"/icc/data", "", kFiltered}},
    };
  }

  std::string globex_job_, globex_failed_, globex_key_id_, globex_key_;
  std::string acme_job_, acme_key_id_;
  std::string last_key_;
  std::vector<std::pair<std::string, std::string>> acme_admins_;
};

TEST_F(TenancyTest, EveryRouteIsRefusedOrFilteredForAnotherBrandsAdmin) {
  auto table = Table();
  AcmeAdmins();  // made before counting keys
  const size_t keys_before = db_->api_keys().List()->size();
  for (const auto& route : api::ApiRoutes()) {
    std::string name = std::string(route.method) + " " + std::string(route.path);
    auto it = table.find(name);
    if (it == table.end()) {
      ADD_FAILURE() << name << " has no entry in the tenancy table: say how it is scoped";
      continue;
    }
    const Probe& probe = it->second;
    for (const auto& [kind, acme] : AcmeAdmins()) {
      SCOPED_TRACE(kind + " admin of acme: " + name + " (" + probe.path + ")");
      std::vector<std::string> headers = {Bearer(acme)};
      if (route.method == "PUT" && route.path == "/v1/jobs/{id}/manifest") {
        headers.push_back("If-Match: \"1\"");
      }
      auto r = http_->Request(std::string(route.method), probe.path, headers, probe.body,
                              !probe.body.empty());
      switch (probe.scope) {
        case Scope::kNotFound:
          EXPECT_EQ(r.status, 404) << r.body;
          break;
        case Scope::kForbidden:
          EXPECT_EQ(r.status, 403) << r.body;
          break;
        case Scope::kSignedLink:
          EXPECT_EQ(r.status, 403) << r.body;
          break;
        case Scope::kUnscoped:
          EXPECT_EQ(r.status, 200) << r.body;
          break;
        case Scope::kFiltered: {
          EXPECT_EQ(r.status, 200) << r.body;
          // The filter is real: the "*" admin's answer does show globex.
          auto all = http_->Request(std::string(route.method), probe.path, {Bearer(admin_)});
          EXPECT_TRUE(MentionsGlobex(all.body)) << "the table's probe shows nothing: " << all.body;
          break;
        }
      }
      EXPECT_FALSE(Leaks(r.body, probe.path + probe.body)) << r.body;
    }
  }
  for (const auto& [name, probe] : table) {
    bool served = false;
    for (const auto& route : api::ApiRoutes()) {
      served = served || name == std::string(route.method) + " " + std::string(route.path);
    }
    EXPECT_TRUE(served) << name << " is in the table but is not a route";
  }
  // Nothing of globex changed: its jobs, its key, and no new key exists.
  auto held = store_->GetJob(globex_job_);
  ASSERT_TRUE(held);
  EXPECT_EQ(held->state, JobState::kAwaitingApproval);
  EXPECT_FALSE(held->approved);
  auto failed = store_->GetJob(globex_failed_);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->state, JobState::kFailed);
  EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(globex_key_)}).status, 200);
  EXPECT_EQ(db_->api_keys().List()->size(), keys_before) << "a key was minted";
}

TEST(PrincipalGrantTest, OnlyOwnBrandsAndRolesUpToOwn) {
  Principal acme_admin{"key:a", Role::kAdmin, {"acme"}, {}};
  EXPECT_TRUE(acme_admin.CanGrant(Role::kAdmin, {"acme"}));
  EXPECT_TRUE(acme_admin.CanGrant(Role::kViewer, {"acme"}));
  EXPECT_FALSE(acme_admin.CanGrant(Role::kViewer, {"*"}));
  EXPECT_FALSE(acme_admin.CanGrant(Role::kViewer, {"globex"}));
  EXPECT_FALSE(acme_admin.CanGrant(Role::kViewer, {"acme", "globex"}));
  EXPECT_FALSE(acme_admin.CanGrant(Role::kViewer, {}));
  Principal two{"jwt:b", Role::kAdmin, {"acme", "globex"}, {}};
  EXPECT_TRUE(two.CanGrant(Role::kEditor, {"globex", "acme"}));
  EXPECT_FALSE(two.CanGrant(Role::kEditor, {"*"}));
  Principal editor{"jwt:e", Role::kEditor, {"*"}, {}};
  EXPECT_TRUE(editor.CanGrant(Role::kEditor, {"*"}));
  EXPECT_FALSE(editor.CanGrant(Role::kAdmin, {"acme"}));
  EXPECT_NE(editor.GrantRefusal(Role::kAdmin, {"acme"})->find("above your own"), std::string::npos);
  Principal root{"cli:op", Role::kAdmin, {"*"}, {}};
  EXPECT_TRUE(root.CanGrant(Role::kAdmin, {"*"}));
  EXPECT_TRUE(root.CanGrant(Role::kAdmin, {"globex"}));

  EXPECT_TRUE(acme_admin.CoversBrands({"acme"}));
  EXPECT_FALSE(acme_admin.CoversBrands({"acme", "globex"}));
  EXPECT_FALSE(acme_admin.CoversBrands({"*"}));
  EXPECT_FALSE(acme_admin.CoversBrands({}));
  EXPECT_TRUE(root.CoversBrands({"*"}));
}

TEST_F(TenancyTest, BrandAdminCannotGrantStarOtherBrandsOrMore) {
  auto count = [&] { return db_->api_keys().List()->size(); };
  for (const auto& [kind, acme] : AcmeAdmins()) {
    SCOPED_TRACE(kind);
    size_t before = count();
    for (const char* body :
         {R"({"role": "admin", "brands": ["*"]})", R"({"role": "viewer", "brands": ["globex"]})",
          R"({"role": "viewer", "brands": ["acme", "globex"]})",
          R"({"role": "viewer", "brands": ["acme", "*"]})"}) {
      auto r = http_->Post("/v1/api-keys", body, {Bearer(acme)});
      EXPECT_EQ(r.status, 403) << body << " " << r.body;
      EXPECT_EQ(r.json().value("code", ""), "forbidden");
      EXPECT_EQ(AuditRows().back().entry.action, "key.create");
      EXPECT_EQ(AuditRows().back().entry.outcome, "forbidden");
    }
    EXPECT_EQ(count(), before) << "no key was made";
    // Its own brand, up to its own role, it may grant; the key is acme's only.
    std::string id = CreateKeyAs(acme, "admin", {"acme"});
    EXPECT_FALSE(id.empty());
    EXPECT_EQ(http_->Get("/v1/jobs/" + globex_job_, {Bearer(last_key_)}).status, 404);
    EXPECT_EQ(http_->Get("/v1/jobs/" + acme_job_, {Bearer(last_key_)}).status, 200);
  }
  // An editor cannot reach the route at all; the rule would refuse it anyway.
  auto r = http_->Post("/v1/api-keys", R"({"role": "admin", "brands": ["acme"]})",
                       {Bearer(Hs256(Claims("ed", "editor", {"acme"})))});
  EXPECT_EQ(r.status, 403);
}

// An identity provider that leaves the brands claim out makes an admin of no
// brand, not of every brand.
TEST_F(TenancyTest, AJwtAdminWithoutABrandsClaimHoldsNoBrand) {
  Json claims = Claims("idp-admin", "admin", {});
  claims.erase("brands");
  std::string token = Hs256(claims);
  EXPECT_EQ(http_->Get("/v1/jobs/" + acme_job_, {Bearer(token)}).status, 404);
  EXPECT_EQ(http_->Get("/v1/jobs/" + globex_job_, {Bearer(token)}).status, 404);
  auto r =
      http_->Post("/v1/api-keys", R"({"role": "viewer", "brands": ["acme"]})", {Bearer(token)});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(http_->Get("/metrics", {Bearer(token)}).status, 403);
}

TEST_F(TenancyTest, KeyListShowsOnlyKeysWithinTheCallersBrands) {
  std::string both = CreateKeyAs(admin_, "viewer", {"acme", "globex"});
  std::string star = CreateKeyAs(admin_, "viewer", {"*"});
  for (const auto& [kind, acme] : AcmeAdmins()) {
    SCOPED_TRACE(kind);
    auto r = http_->Get("/v1/api-keys", {Bearer(acme)});
    ASSERT_EQ(r.status, 200) << r.body;
    std::set<std::string> ids;
    Json listed = r.json()["api_keys"];
    for (const auto& k : listed) {
      ids.insert(k["id"].get<std::string>());
      EXPECT_EQ(k["brands"], Json::array({"acme"})) << k.dump();
    }
    EXPECT_TRUE(ids.contains(acme_key_id_));
    EXPECT_FALSE(ids.contains(globex_key_id_));
    EXPECT_FALSE(ids.contains(both));
    EXPECT_FALSE(ids.contains(star));
  }
  auto all = http_->Get("/v1/api-keys", {Bearer(admin_)}).json()["api_keys"];
  EXPECT_GE(all.size(), 5u);  // the "*" admin sees every key
}

TEST_F(TenancyTest, RevokingAnotherBrandsKeyIsNotFound) {
  for (const auto& [kind, acme] : AcmeAdmins()) {
    SCOPED_TRACE(kind);
    auto r = http_->Request("DELETE", "/v1/api-keys/" + globex_key_id_, {Bearer(acme)});
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(r.json().value("code", ""), "not_found");
    EXPECT_EQ(AuditRows().back().entry.outcome, "forbidden");
    EXPECT_EQ(http_->Get("/v1/jobs", {Bearer(globex_key_)}).status, 200) << "the key still works";
  }
  // Its own brand's key it may revoke.
  auto [kind, acme] = AcmeAdmins().front();
  EXPECT_EQ(http_->Request("DELETE", "/v1/api-keys/" + acme_key_id_, {Bearer(acme)}).status, 204);
}

TEST_F(TenancyTest, AuditListShowsOnlyTheCallersBrandRows) {
  for (const auto& [kind, acme] : AcmeAdmins()) {
    SCOPED_TRACE(kind);
    auto r = http_->Get("/v1/audit?limit=1000", {Bearer(acme)});
    ASSERT_EQ(r.status, 200) << r.body;
    std::set<std::string> actions;
    Json rows = r.json()["rows"];
    for (const auto& row : rows) {
      EXPECT_EQ(row["brand"], "acme") << row.dump();
      actions.insert(row["action"].get<std::string>());
    }
    // Acme's job and key were made by the "*" admin: acme's admin sees them.
    EXPECT_TRUE(actions.contains("job.create"));
    EXPECT_TRUE(actions.contains("key.create"));
    EXPECT_FALSE(MentionsGlobex(r.body));
  }
  // Paging through the filtered rows: one at a time, every acme row once.
  std::string acme = AcmeAdmins().front().second;
  size_t paged = 0;
  Json after = 0;
  for (int guard = 0; guard < 100 && !after.is_null(); ++guard) {
    auto page = http_->Get("/v1/audit?limit=1&after=" + after.dump(), {Bearer(acme)}).json();
    paged += page["rows"].size();
    after = page["next_after"];
  }
  EXPECT_EQ(paged, http_->Get("/v1/audit?limit=1000", {Bearer(acme)}).json()["rows"].size());
  // Rows without a brand (authentication failures, the server's own) are
  // for "*" admins; they see every row.
  auto all = http_->Get("/v1/audit?limit=1000", {Bearer(admin_)});
  EXPECT_TRUE(MentionsGlobex(all.body));
  EXPECT_NE(all.body.find("secret.read"), std::string::npos);
  EXPECT_EQ(all.json()["rows"].size(), AuditRows().size());
}

TEST_F(TenancyTest, AnAuditRowsBrandIsCoveredByItsHash) {
  auto c = pool_->Acquire();
  ASSERT_TRUE(c);
  auto v = db_->OpenAuditLog({})->Verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->problems.empty());
  // Moving a globex row to acme (to show it to acme's admins) breaks the chain.
  ASSERT_TRUE((*c)->ExecScript(
      "DROP TRIGGER audit_log_no_update;"
      "UPDATE audit_log SET brand = 'acme' WHERE seq = (SELECT MIN(seq) FROM audit_log WHERE "
      "brand = 'globex');"));
  v = db_->OpenAuditLog({})->Verify();
  ASSERT_TRUE(v);
  ASSERT_EQ(v->problems.size(), 1u);
  EXPECT_EQ(v->problems[0].kind, "changed");
}

TEST_F(TenancyTest, MetricsNeedAnAdminOfEveryBrand) {
  for (const auto& [kind, acme] : AcmeAdmins()) {
    EXPECT_EQ(http_->Get("/metrics", {Bearer(acme)}).status, 403) << kind;
  }
  EXPECT_EQ(http_->Get("/metrics", {Bearer(Hs256(Claims("root", "admin", {"*"})))}).status, 200);
}

}  // namespace
}  // namespace aiprod::testing
