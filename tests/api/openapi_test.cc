// The OpenAPI document matches the routes: every route is documented, every
// documented operation is a route, and the server answers each documented
// operation (not 404 / 405).
#include <algorithm>
#include <set>

#include "api/service.h"
#include "fixture.h"

namespace aiprod::testing {
namespace {

std::set<std::pair<std::string, std::string>> Documented(const Json& doc) {
  std::set<std::pair<std::string, std::string>> ops;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      std::string m = method;
      std::transform(m.begin(), m.end(), m.begin(), ::toupper);
      ops.insert({m, path});
    }
  }
  return ops;
}

TEST(OpenApiTest, DocumentMatchesTheRoutes) {
  Json doc = Json::parse(api::OpenApiDocument());
  EXPECT_EQ(doc["openapi"], "3.1.0");
  std::set<std::pair<std::string, std::string>> routes;
  for (const auto& r : api::ApiRoutes())
    routes.insert({std::string(r.method), std::string(r.path)});
  auto documented = Documented(doc);
  for (const auto& r : routes) {
    EXPECT_TRUE(documented.contains(r)) << "undocumented route " << r.first << " " << r.second;
  }
  for (const auto& d : documented) {
    EXPECT_TRUE(routes.contains(d)) << "documented but not served: " << d.first << " " << d.second;
  }
  // Every $ref resolves.
  std::function<void(const Json&)> walk = [&](const Json& j) {
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) {
        if (k == "$ref") {
          std::string ref = v;
          ASSERT_TRUE(ref.starts_with("#/"));
          Json::json_pointer ptr(ref.substr(1));
          EXPECT_TRUE(doc.contains(ptr)) << ref;
        } else {
          walk(v);
        }
      }
    } else if (j.is_array()) {
      for (const auto& v : j) walk(v);
    }
  };
  walk(doc);
}

class OpenApiServerTest : public ApiTest {};

TEST_F(OpenApiServerTest, ServerAnswersEveryDocumentedOperation) {
  auto served = http_->Get("/openapi.json", {Bearer(admin_)});
  ASSERT_EQ(served.status, 200);
  EXPECT_EQ(served.json(), Json::parse(api::OpenApiDocument()));
  std::string job = CreateJob(admin_, {{"brand_id", "acme"}});
  for (const auto& [method, path] : Documented(served.json())) {
    std::string p = path;
    auto sub = [&](const std::string& from, const std::string& to) {
      if (auto i = p.find(from); i != std::string::npos) p.replace(i, from.size(), to);
    };
    sub("/v1/api-keys/{id}", "/v1/api-keys/0190a0b0-0000-7000-8000-000000000000");
    sub("/v1/brands/{id}", "/v1/brands/acme");
    sub("{id}", job);
    sub("{name}", "x.mp4");
    if (path.ends_with("/events")) continue;  // a stream: covered in jobs_test
    auto r = http_->Request(method, p, {Bearer(admin_)}, "{}", method != "GET");
    EXPECT_NE(r.status, 405) << method << " " << p;
    if (r.status == 404) {
      // 404 only as a problem about the resource, never "no such route".
      EXPECT_NE(r.json().value("detail", ""), "no such route") << method << " " << p;
    }
  }
  auto unknown = http_->Get("/v2/nothing", {Bearer(admin_)});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json()["detail"], "no such route");
  auto wrong = http_->Request("PATCH", "/v1/jobs", {Bearer(admin_)});
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("allow"), "POST, GET");
}

}  // namespace
}  // namespace aiprod::testing
