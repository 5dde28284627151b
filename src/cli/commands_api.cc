// `aiprod serve`, `aiprod keys create|list|revoke`, `aiprod brands import`,
// `aiprod audit verify|anchor`: the HTTP service and its administration.

#include "api/auth/principal.h"
#include "api/serve.h"
#include "cli/app.h"
#include "cli/signals.h"
#include "core/files.h"
#include "core/ids.h"
#include "creative/brand_source.h"
#include "store/api_keys.h"
#include "store/audit_log.h"
#include "store/brands.h"

namespace aiprod::cli {
namespace {

// The CLI runs as the operator: an admin of every brand. Its grants go
// through the same rule as the API's (Principal::GrantRefusal).
api::Principal Operator() { return {CliOperator(), api::Role::kAdmin, {"*"}, {}}; }

Status AuditCli(App& app, std::string action, std::string target, Json detail = Json::object(),
                std::string brand = {}) {
  AuditEntry e;
  e.action = std::move(action);
  e.target = std::move(target);
  e.outcome = "success";
  e.detail = std::move(detail);
  e.brand = std::move(brand);
  return app.audit().Write(std::move(e));
}

int Serve(GlobalOptions& g, const std::string& listen, bool no_worker) {
  App app(g);
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  api::ApiDeps deps;
  deps.config = &app.config();
  deps.clock = &app.clock();
  deps.store = &app.store();
  deps.db = &app.db();
  deps.translator = &app.translator();
  deps.log = app.log();
  std::unique_ptr<Worker> worker;
  if (!no_worker) {
    app.runner();  // builds the pipeline services
    worker = std::make_unique<Worker>(app.store(), app.services(), DefaultStages,
                                      WorkerOptions{1, false, app.config().DatabasePath()});
  }
  api::ApiServer server(deps, worker.get());
  // Signals are blocked in every thread started from here on; a watcher
  // thread turns SIGTERM/SIGINT into a graceful shutdown.
  StopSignals signals([&server, &app] {
    app.log().Info("stop signal: draining");
    server.Shutdown();
  });
  auto port = server.Start(listen, false);
  if (!port) return ReportError(port.error(), g.json);
  // Tests and scripts read the bound port (with --listen 127.0.0.1:0) from here.
  std::printf("listening on port %u\n", static_cast<unsigned>(*port));
  std::fflush(stdout);
  server.Wait();
  app.log().Info("stopped");
  return 0;
}

int KeysCreate(GlobalOptions& g, const std::string& role, const std::vector<std::string>& brands,
               const std::string& name) {
  App app(g);
  auto parsed_role = api::ParseRole(role);
  if (!parsed_role) {
    return ReportError({ErrorCode::kInvalidInput, "must be viewer, editor or admin", "--role"},
                       g.json);
  }
  if (brands.empty()) {
    return ReportError(
        {ErrorCode::kInvalidInput, "name at least one brand ('*' for all)", "--brand"}, g.json);
  }
  for (const auto& b : brands) {
    if (!api::ValidBrandId(b, true)) {
      return ReportError({ErrorCode::kInvalidInput, "'" + b + "' is not a brand id", "--brand"},
                         g.json);
    }
  }
  if (auto why = Operator().GrantRefusal(*parsed_role, brands)) {
    return ReportError({ErrorCode::kInvalidInput, *why, "--brand"}, g.json);
  }
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  ApiKeyRepository& keys = app.db().api_keys();
  NewApiKey k{NewUuidV7(app.clock()), name, role, brands, CliOperator()};
  auto created = keys.Create(k, app.clock().NowMs());
  if (!created) return ReportError(created.error(), g.json);
  if (auto st = AuditCli(app, "key.create", k.id, {{"role", role}, {"brands", brands}},
                         api::SingleBrand(brands));
      !st) {
    return ReportError(st.error(), g.json);
  }
  if (g.json) {
    PrintJson({{"id", k.id}, {"key", created->second}, {"role", role}, {"brands", brands}});
  } else {
    std::printf("%s\n", created->second.c_str());
    std::fprintf(stderr,
                 "API key %s (%s for %s). This is the only time the key is shown; store it now.\n",
                 k.id.c_str(), role.c_str(), Json(brands).dump().c_str());
  }
  return 0;
}

int KeysList(GlobalOptions& g) {
  App app(g);
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  auto list = app.db().api_keys().List();
  if (!list) return ReportError(list.error(), g.json);
  Json arr = Json::array();
  for (const auto& k : *list) {
    arr.push_back(
        {{"id", k.id},
         {"prefix", k.prefix},
         {"name", k.name},
         {"role", k.role},
         {"brands", k.brands},
         {"created_at", FormatTimestamp(k.created_at_ms)},
         {"last_used_at", k.last_used_ms ? Json(FormatTimestamp(*k.last_used_ms)) : Json()},
         {"revoked", k.revoked_ms.has_value()}});
  }
  if (g.json) {
    PrintJson({{"api_keys", arr}});
    return 0;
  }
  for (const auto& k : arr) {
    std::printf(
        "%s  %s…  %-7s %-24s %s%s\n", k["id"].get<std::string>().c_str(),
        k["prefix"].get<std::string>().c_str(), k["role"].get<std::string>().c_str(),
        k["brands"].dump().c_str(),
        k["last_used_at"].is_null() ? "never used" : k["last_used_at"].get<std::string>().c_str(),
        k["revoked"].get<bool>() ? "  (revoked)" : "");
  }
  return 0;
}

int KeysRevoke(GlobalOptions& g, const std::string& id) {
  App app(g);
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  ApiKeyRepository& keys = app.db().api_keys();
  auto key = keys.Get(id);  // its brands, for the audit row
  if (!key) return ReportError(key.error(), g.json);
  if (auto st = keys.Revoke(id, CliOperator(), app.clock().NowMs()); !st) {
    return ReportError(st.error(), g.json);
  }
  if (auto st = AuditCli(app, "key.revoke", id, Json::object(), api::SingleBrand(key->brands));
      !st) {
    return ReportError(st.error(), g.json);
  }
  if (g.json)
    PrintJson({{"id", id}, {"revoked", true}});
  else
    std::printf("API key %s revoked\n", id.c_str());
  return 0;
}

int BrandsImport(GlobalOptions& g, const std::string& file) {
  App app(g);
  if (auto st = app.Init(); !st) return ReportError(st.error(), g.json);
  auto kit = LoadBrandFile(file, static_cast<size_t>(app.config().limits.max_input_bytes));
  if (!kit) return ReportError(kit.error(), g.json);
  if (!api::ValidBrandId(kit->brand_id)) {
    return ReportError(
        {ErrorCode::kInvalidInput, "may contain only letters, digits, '-' and '_'", "brand_id"},
        g.json);
  }
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  auto stored = app.db().brands().Put(kit->brand_id, BrandKitToJson(*kit), CliOperator(),
                                      app.clock().NowMs());
  if (!stored) return ReportError(stored.error(), g.json);
  if (auto st = AuditCli(app, "brand.update", kit->brand_id, {{"revision", stored->revision}},
                         kit->brand_id);
      !st) {
    return ReportError(st.error(), g.json);
  }
  if (g.json)
    PrintJson({{"brand_id", kit->brand_id}, {"revision", stored->revision}});
  else
    std::printf("brand %s stored (revision %lld)\n", kit->brand_id.c_str(),
                static_cast<long long>(stored->revision));
  return 0;
}

// `--anchor`: the anchor line itself, or a file holding it.
Result<AuditAnchor> LoadAnchor(const std::string& arg) {
  if (arg.starts_with("{")) return ParseAnchor(arg);
  AIPROD_ASSIGN(std::string text, ReadFile(arg, 64 << 10));
  return ParseAnchor(text);
}

int AuditVerify(GlobalOptions& g, const std::string& anchor_arg) {
  App app(g);
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  const std::string& key = app.config().audit_key;
  std::optional<AuditAnchor> anchor;
  if (!anchor_arg.empty()) {
    if (key.empty()) {
      return ReportError({ErrorCode::kInvalidInput,
                          "an anchor is checked with audit_key (AIPROD_AUDIT_KEY)", "audit_key"},
                         g.json);
    }
    auto a = LoadAnchor(anchor_arg);
    if (!a) return ReportError(a.error(), g.json);
    anchor = *a;
  }
  auto v = app.db().OpenAuditLog(key)->Verify(anchor ? &*anchor : nullptr);
  if (!v) return ReportError(v.error(), g.json);
  Json problems = Json::array();
  for (const auto& p : v->problems) {
    problems.push_back({{"seq", p.seq}, {"kind", p.kind}, {"message", p.message}});
  }
  if (g.json) {
    PrintJson({{"ok", v->problems.empty()},
               {"rows", v->rows},
               {"keyed", !key.empty()},
               {"keyed_rows", v->keyed_rows},
               {"head_seq", v->head_seq},
               {"head_hash", v->head_hash},
               {"anchor_seq", anchor ? Json(anchor->seq) : Json()},
               {"problems", problems}});
  } else {
    for (const auto& p : v->problems) {
      std::printf("row %lld: %s: %s\n", static_cast<long long>(p.seq), p.kind.c_str(),
                  p.message.c_str());
    }
    if (key.empty()) {
      std::printf(
          "unkeyed chain (plain SHA-256): whoever can write the database can rewrite it; "
          "set audit_key\n");
    }
    std::printf("%s: %lld rows (%lld keyed), head %lld %s%s\n",
                v->problems.empty() ? "ok" : "TAMPERED", static_cast<long long>(v->rows),
                static_cast<long long>(v->keyed_rows), static_cast<long long>(v->head_seq),
                v->head_hash.c_str(),
                anchor ? (", anchored at row " + std::to_string(anchor->seq)).c_str() : "");
  }
  return v->problems.empty() ? 0 : 1;
}

// Prints a signed head of a chain that verifies, for the operator to keep
// outside the database (store/audit_anchor.h).
int AuditAnchorCommand(GlobalOptions& g) {
  App app(g);
  if (auto st = app.OpenStore(); !st) return ReportError(st.error(), g.json);
  const std::string& key = app.config().audit_key;
  if (key.empty()) {
    return ReportError(
        {ErrorCode::kInvalidInput,
         "an anchor is signed with audit_key (AIPROD_AUDIT_KEY), which is not set", "audit_key"},
        g.json);
  }
  auto v = app.db().OpenAuditLog(key)->Verify();
  if (!v) return ReportError(v.error(), g.json);
  if (v->rows == 0) {
    return ReportError({ErrorCode::kConflict, "the audit log is empty: nothing to anchor", ""},
                       g.json);
  }
  if (!v->problems.empty()) {
    for (const auto& p : v->problems) {
      std::fprintf(stderr, "row %lld: %s: %s\n", static_cast<long long>(p.seq), p.kind.c_str(),
                   p.message.c_str());
    }
    return ReportError(
        {ErrorCode::kConflict, "the audit chain does not verify: refusing to anchor it", ""},
        g.json);
  }
  AuditAnchor a = SignAnchor(key, v->head_seq, v->head_hash, FormatTimestamp(app.clock().NowMs()));
  std::printf("%s\n", AnchorText(a).c_str());
  return 0;
}

}  // namespace

void AddApiCommands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string listen, role, name, id, file;
    std::vector<std::string> brands;
    bool no_worker = false;
  };
  auto args = std::make_shared<Args>();

  auto* serve = app.add_subcommand("serve", "Run the HTTP API (and a worker, unless --no-worker)");
  serve->add_option("--listen", args->listen, "host:port (default: api.listen, 127.0.0.1:8080)");
  serve->add_flag("--no-worker", args->no_worker, "Do not run queued jobs in this process");
  serve->callback([&g, &exit_code, args] { exit_code = Serve(g, args->listen, args->no_worker); });

  auto* keys = app.add_subcommand("keys", "API keys");
  keys->require_subcommand(1);
  auto* create = keys->add_subcommand("create", "Create an API key and print it (once)");
  create->add_option("--role", args->role, "viewer, editor or admin")->required();
  create->add_option("--brand", args->brands, "Brand the key may act for ('*': all); repeatable")
      ->required();
  create->add_option("--name", args->name, "What the key is for");
  create->callback(
      [&g, &exit_code, args] { exit_code = KeysCreate(g, args->role, args->brands, args->name); });
  keys->add_subcommand("list", "List API keys (never the keys themselves)")
      ->callback([&g, &exit_code] { exit_code = KeysList(g); });
  auto* revoke = keys->add_subcommand("revoke", "Revoke an API key at once");
  revoke->add_option("id", args->id, "Key id")->required();
  revoke->callback([&g, &exit_code, args] { exit_code = KeysRevoke(g, args->id); });

  auto* brands = app.add_subcommand("brands", "Brand kits stored in the database");
  brands->require_subcommand(1);
  auto* import = brands->add_subcommand("import", "Validate a brand kit file and store it");
  import->add_option("file", args->file, "Brand kit JSON")->required();
  import->callback([&g, &exit_code, args] { exit_code = BrandsImport(g, args->file);
});

auto* audit = app.add_subcommand("audit", "The audit log");
audit->require_subcommand(1);
auto* verify = audit->add_subcommand(
    "verify", "Check the hash chain: report changed, removed, reordered or unkeyed rows");
verify->add_option("--anchor", args->file,
                   "An anchor (the line `audit anchor` printed, or a file holding it): also "
                   "catch rows cut off the tail or a chain rewritten up to it");
verify->callback([&g, &exit_code, args] { exit_code = AuditVerify(g, args->file); });
audit->add_subcommand("anchor", "Print a signed head of the chain to keep outside the database")
    ->callback([&g, &exit_code] { exit_code = AuditAnchorCommand(g); });
}  // namespace aiprod::cli

}  // namespace aiprod::cli
