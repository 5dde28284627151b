// The OpenAPI 3.1 document of the API. Written by hand (it is documentation);
// tests/api/openapi_test.cc checks that its paths and methods are exactly the
// service's routes.
#include "api/service.h"

namespace aiprod::api {
namespace {

constexpr const char* kDocument = R"json({
  "openapi": "3.1.0",
  "info": {
    "title": "AIPROD API",
    "version": "1",
    "description": "Brief in, checked and localized video out. Errors are RFC 9457 problem details with a stable `code`. See docs/API.md."
  },
  "servers": [{"url": "/"}],
  "security": [{"bearer": []}, {"apiKey": []}],
  "components": {
    "securitySchemes": {
      "bearer": {"type": "http", "scheme": "bearer", "description": "A JWT (HS256, RS256 or ES256; Firebase ID tokens) or an API key (aiprod_...)."},
      "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    },
    "parameters": {
      "JobId": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
      "BrandId": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,128}$"}},
      "KeyId": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}
    },
    "responses": {
      "Problem": {"description": "An error", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    },
    "schemas": {
      "Problem": {"type": "object", "required": ["type", "title", "status", "code"], "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "code": {"type": "string", "description": "invalid_input, not_found, conflict, unauthorized, forbidden, rate_limited, payload_too_large, precondition_failed, ..."},
        "detail": {"type": "string"}, "field": {"type": "string"}}},
      "Brief": {"type": "object", "required": ["content"], "additionalProperties": false, "properties": {
        "content": {"type": "string"}, "preset": {"type": "string"}, "priority": {"enum": ["low", "normal", "high"]},
        "lang": {"type": "string"}, "target_langs": {"type": "array", "items": {"type": "string"}},
        "aspect_ratios": {"type": "array", "items": {"enum": ["16:9", "9:16", "1:1"]}},
        "brand_id": {"type": "string"}, "duration_hint_s": {"type": "number"}, "review": {"type": "boolean"},
        "webhook_url": {"type": "string", "format": "uri"}}},
      "Accepted": {"type": "object", "properties": {"id": {"type": "string"}, "state": {"type": "string"}, "links": {"type": "object"}}},
      "Job": {"type": "object", "properties": {"id": {"type": "string"}, "state": {"type": "string"}, "content": {"type": "string"},
        "production_manifest": {"type": ["object", "null"]}, "edits_history": {"type": "array"}, "error": {"type": ["string", "null"]}}},
      "JobList": {"type": "object", "properties": {"jobs": {"type": "array", "items": {"type": "object"}}, "next_cursor": {"type": ["string", "null"]}}},
      "ProductionManifest": {"type": "object", "required": ["revision", "variants"], "properties": {"revision": {"type": "integer"}, "variants": {"type": "array"}}},
      "BrandKit": {"type": "object", "required": ["brand_id"], "properties": {"brand_id": {"type": "string"}, "name": {"type": "string"}, "palette": {"type": "object"}, "fonts": {"type": "object"}, "monthly_budget_usd": {"type": "number"}}},
      "ApiKey": {"type": "object", "properties": {"id": {"type": "string"}, "prefix": {"type": "string"}, "name": {"type": "string"}, "role": {"enum": ["viewer", "editor", "admin"]},
        "brands": {"type": "array", "items": {"type": "string"}}, "key": {"type": "string", "description": "Only in the creation response."},
        "last_used_at": {"type": ["string", "null"]}, "revoked_at": {"type": ["string", "null"]}}},
      "StreamToken": {"type": "object", "properties": {"token": {"type": "string"}, "expires_at": {"type": "string"}, "url": {"type": "string", "description": "/v1/jobs/{id}/events?token=..."}}},
      "Artifacts": {"type": "object", "properties": {"job_id": {"type": "string"}, "expires_at": {"type": "string"}, "artifacts": {"type": "array", "items": {"type": "object", "properties": {"lang": {"type": "string"}, "aspect": {"type": "string"}, "name": {"type": "string"}, "url": {"type": "string"}}}}, "manifest": {"type": "string"}, "qa": {"type": "string"}}}
    }
  },
  "paths": {
    "/health": {"get": {"summary": "Liveness", "security": [], "responses": {"200": {"description": "alive"}}}},
    "/ready": {"get": {"summary": "Readiness: database reachable, migrations current", "security": [], "responses": {"200": {"description": "ready"}, "503": {"$ref": "#/components/responses/Problem"}}}},
    "/metrics": {"get": {"summary": "Prometheus metrics (an admin of every brand)", "responses": {"200": {"description": "text/plain; version=0.0.4"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}}}},
    "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}},
    "/v1/jobs": {
      "post": {"summary": "Create a job (editor)", "parameters": [{"name": "Idempotency-Key", "in": "header", "schema": {"type": "string", "maxLength": 255}}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Brief"}}}},
        "responses": {"202": {"description": "Accepted; Location names the job", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}}},
          "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"},
          "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}, "429": {"$ref": "#/components/responses/Problem"}}},
      "get": {"summary": "List jobs of your brands", "parameters": [
          {"name": "state", "in": "query", "schema": {"type": "string"}}, {"name": "brand", "in": "query", "schema": {"type": "string"}},
          {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}, {"name": "cursor", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": {"description": "A page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobList"}}}}, "400": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/jobs/{id}": {"get": {"summary": "A job", "parameters": [{"$ref": "#/components/parameters/JobId"}],
        "responses": {"200": {"description": "The job", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}, "404": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/jobs/{id}/manifest": {
      "get": {"summary": "The production manifest (ETag: its revision)", "parameters": [{"$ref": "#/components/parameters/JobId"}],
        "responses": {"200": {"description": "Manifest", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProductionManifest"}}}}, "404": {"$ref": "#/components/responses/Problem"}}},
      "put": {"summary": "Edit the manifest of a job held for review (editor)", "parameters": [{"$ref": "#/components/parameters/JobId"}, {"name": "If-Match", "in": "header", "required": true, "schema": {"type": "string"}}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProductionManifest"}}}},
        "responses": {"200": {"description": "Stored as the next revision"}, "400": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
          "409": {"$ref": "#/components/responses/Problem"}, "412": {"$ref": "#/components/responses/Problem"}, "428": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/jobs/{id}/approve": {"post": {"summary": "Release a job held for review (editor); If-Match or revision: the manifest revision reviewed", "parameters": [{"$ref": "#/components/parameters/JobId"}, {"name": "If-Match", "in": "header", "required": false, "schema": {"type": "string"}}],
        "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {"revision": {"type": "integer", "minimum": 0}}}}}},
        "responses": {"200": {"description": "Approved; approved_revision is the revision that renders"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "412": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/jobs/{id}/reject": {"post": {"summary": "Reject a job held for review (editor)", "parameters": [{"$ref": "#/components/parameters/JobId"}],
        "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {"reason": {"type": "string"}}}}}},
        "responses": {"200": {"description": "Rejected: the job is failed"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/jobs/{id}/cancel": {"post": {"summary": "Cancel a job (editor)", "parameters": [{"$ref": "#/components/parameters/JobId"}],
        "responses": {"200": {"description": "Cancelled"}, "202": {"description": "A worker will stop at its next checkpoint"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/jobs/{id}/retry": {"post": {"summary": "Retry a failed, qa_failed or dead job (editor; counts against the brand's active job cap)", "parameters": [{"$ref": "#/components/parameters/JobId"}],
        "responses": {"202": {"description": "Queued again"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "429": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/jobs/{id}/events": {"get": {"summary": "Live progress as Server-Sent Events", "parameters": [{"$ref": "#/components/parameters/JobId"},
          {"name": "Last-Event-ID", "in": "header", "schema": {"type": "string"}}, {"name": "after", "in": "query", "schema": {"type": "integer"}},
          {"name": "token", "in": "query", "description": "A stream token from POST /v1/jobs/{id}/events/token, instead of credentials (browsers' EventSource)", "schema": {"type": "string"}}],
        "security": [{"bearer": []}, {"apiKey": []}, {}],
        "responses": {"200": {"description": "text/event-stream; ends when the job is finished, or when the caller's key is revoked or token expires"},
          "204": {"description": "The job is finished and every event was sent: stop reconnecting"}, "401": {"$ref": "#/components/responses/Problem"},
          "404": {"$ref": "#/components/responses/Problem"}, "429": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/jobs/{id}/events/token": {"post": {"summary": "A short-lived token for the job's event stream (?token=), scoped to the job and the caller", "parameters": [{"$ref": "#/components/parameters/JobId"}],
        "responses": {"200": {"description": "The token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StreamToken"}}}}, "401": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/jobs/{id}/artifacts": {"get": {"summary": "Signed, expiring links to the delivered files", "parameters": [{"$ref": "#/components/parameters/JobId"}],
        "responses": {"200": {"description": "Links", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Artifacts"}}}}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/files/{id}/{name}": {"get": {"summary": "A delivered file (signed link; HTTP Range supported)", "security": [],
        "parameters": [{"$ref": "#/components/parameters/JobId"}, {"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
          {"name": "expires", "in": "query", "required": true, "schema": {"type": "integer"}}, {"name": "sig", "in": "query", "required": true, "schema": {"type": "string"}},
          {"name": "Range", "in": "header", "schema": {"type": "string"}}],
        "responses": {"200": {"description": "The file"}, "206": {"description": "Part of the file"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "416": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/brands/{id}": {
      "get": {"summary": "A brand kit", "parameters": [{"$ref": "#/components/parameters/BrandId"}],
        "responses": {"200": {"description": "Kit", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BrandKit"}}}}, "404": {"$ref": "#/components/responses/Problem"}}},
      "put": {"summary": "Create or replace a brand kit (admin, or an editor of the brand)", "parameters": [{"$ref": "#/components/parameters/BrandId"}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BrandKit"}}}},
        "responses": {"200": {"description": "Stored"}, "400": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/api-keys": {
      "post": {"summary": "Create an API key (admin) for your brands, role up to yours; the key is shown once", "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["role", "brands"], "properties": {"name": {"type": "string"}, "role": {"enum": ["viewer", "editor", "admin"]}, "brands": {"type": "array", "items": {"type": "string"}}}}}}},
        "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiKey"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}}},
      "get": {"summary": "List API keys of your brands (admin); never the keys themselves", "responses": {"200": {"description": "Keys"}, "403": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/api-keys/{id}": {"delete": {"summary": "Revoke an API key of your brands (admin); effective immediately", "parameters": [{"$ref": "#/components/parameters/KeyId"}],
        "responses": {"204": {"description": "Revoked"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/audit": {"get": {"summary": "The audit log (admin): rows of your brands, every row for an admin of every brand", "parameters": [{"name": "after", "in": "query", "schema": {"type": "integer"}}, {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}],
        "responses": {"200": {"description": "Rows, oldest first, with their chain hashes"}, "403": {"$ref": "#/components/responses/Problem"}}}},
    "/pipeline/run": {"post": {"summary": "Compatibility: same as POST /v1/jobs", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Brief"}}}},
        "responses": {"202": {"description": "Accepted"}, "400": {"$ref": "#/components/responses/Problem"}}}},
    "/alerts": {"get": {"summary": "Failure and budget alerts of your brands", "responses": {"200": {"description": "{alerts: [...]}"}}}},
    "/icc/data": {"get": {"summary": "Interactive creative control: jobs held for review with their manifests", "responses": {"200": {"description": "{awaiting_approval: [...]}"}}}}
  }
})json";

}  // namespace

const std::string& OpenApiDocument() {
  static const std::string doc = kDocument;
  return doc;
}

}  // namespace aiprod::api
