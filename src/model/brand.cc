#include "model/brand.h"

namespace aiprod {
namespace {

Result<std::vector<std::string>> Words(const ObjectReader& r, std::string_view key) {
  std::vector<std::string> out;
  const Json* v = r.Find(key);
  if (!v) return out;
  if (!v->is_array()) return Invalid(r.PathOf(key), "must be an array of strings");
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string() || (*v)[i].get<std::string>().empty()) {
      return Invalid(ItemPath(r.PathOf(key), i), "must be a non-empty string");
    }
    out.push_back((*v)[i].get<std::string>());
  }
  return out;
}

}  // namespace

BrandKit DefaultBrandKit() { return BrandKit{}; }

Result<BrandKit> BrandKitFromJson(const Json& j) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, ""));
  AIPROD_TRY(r.OnlyKeys({"brand_id", "name", "palette", "fonts", "logo", "safe_area_pct", "tone",
                         "banned_words", "banned_words_action", "do_not_translate",
                         "monthly_budget_usd"}));
  BrandKit b;
  AIPROD_ASSIGN(b.brand_id, r.String("brand_id", 128));
  if (b.brand_id.empty()) return Invalid("brand_id", "must not be empty");
  AIPROD_ASSIGN(auto name, r.OptString("name", 200));
  b.name = name.value_or(b.brand_id);
  if (const Json* p = r.Find("palette")) {
    AIPROD_ASSIGN(auto pr, ObjectReader::Open(*p, "palette"));
    AIPROD_TRY(pr.OnlyKeys({"primary", "secondary", "accent", "text"}));
    for (auto [key, slot] : {std::pair{"primary", &b.primary}, std::pair{"secondary", &b.secondary},
                             std::pair{"accent", &b.accent}, std::pair{"text", &b.text}}) {
      AIPROD_ASSIGN(auto s, pr.OptString(key, 16));
      if (s) {
        AIPROD_ASSIGN(*slot, ParseColor(*s, pr.PathOf(key)));
      }
    }
  }
  if (const Json* f = r.Find("fonts")) {
    AIPROD_ASSIGN(auto fr, ObjectReader::Open(*f, "fonts"));
    AIPROD_TRY(fr.OnlyKeys({"heading", "body"}));
    AIPROD_ASSIGN(auto heading, fr.OptString("heading", 128));
    AIPROD_ASSIGN(auto body, fr.OptString("body", 128));
    if (heading) b.heading_font = *heading;
    if (body) b.body_font = *body;
  }
  AIPROD_ASSIGN(b.logo, r.OptString("logo", 1024));
  AIPROD_ASSIGN(auto safe, r.OptNumber("safe_area_pct", 0, 25));
  b.safe_area_pct = safe.value_or(b.safe_area_pct);
  AIPROD_ASSIGN(b.tone, Words(r, "tone"));
  AIPROD_ASSIGN(b.banned_words, Words(r, "banned_words"));
  AIPROD_ASSIGN(auto action, r.OptString("banned_words_action", 16));
  if (action && *action != "flag" && *action != "fail") {
    return Invalid("banned_words_action", "must be \"flag\" or \"fail\"");
  }
  b.fail_on_banned = action && *action == "fail";
  AIPROD_ASSIGN(b.do_not_translate, Words(r, "do_not_translate"));
  AIPROD_ASSIGN(b.monthly_budget_usd, r.OptNumber("monthly_budget_usd", 0, 1e9));
  return b;
}

Json BrandKitToJson(const BrandKit& b) {
  Json j = {{"brand_id", b.brand_id},
            {"name", b.name},
            {"palette",
             {{"primary", b.primary.ToHex()},
              {"secondary", b.secondary.ToHex()},
              {"accent", b.accent.ToHex()},
              {"text", b.text.ToHex()}}},
            {"fonts", {{"heading", b.heading_font}, {"body", b.body_font}}},
            {"logo", b.logo ? Json(*b.logo) : Json()},
            {"safe_area_pct", b.safe_area_pct},
            {"tone", b.tone},
            {"banned_words", b.banned_words},
            {"banned_words_action", b.fail_on_banned ? "fail" : "flag"},
            {"do_not_translate", b.do_not_translate}};
  if (b.monthly_budget_usd) j["monthly_budget_usd"] = *b.monthly_budget_usd;
  return j;
}

}  // namespace aiprod
