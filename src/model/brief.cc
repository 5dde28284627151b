#include "model/brief.h"

#include <algorithm>

#include "model/language.h"

namespace aiprod {
namespace {

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

Result<std::vector<std::string>> StringList(const ObjectReader& r, std::string_view key,
                                            size_t max_items) {
  std::vector<std::string> out;
  const Json* v = r.Find(key);
  if (!v) return out;
  if (!v->is_array()) return Invalid(r.PathOf(key), "must be an array of strings");
  if (v->size() > max_items) {
    return Invalid(r.PathOf(key), "has more than " + std::to_string(max_items) + " entries");
  }
  for (size_t i = 0; i < v->size(); ++i) {
    const Json& item = (*v)[i];
    if (!item.is_string()) return Invalid(ItemPath(r.PathOf(key), i), "must be a string");
    std::string s = item.get<std::string>();
    if (std::find(out.begin(), out.end(), s) != out.end()) {
      return Invalid(ItemPath(r.PathOf(key), i), "'" + s + "' is listed twice");
    }
    out.push_back(std::move(s));
  }
  return out;
}

Status CheckLanguage(const std::string& code, const std::string& field) {
  if (FindLanguage(code)) return {};
  std::string known;
  for (const auto& l : AllLanguages()) known += (known.empty() ? "" : ", ") + std::string(l.code);
  return Invalid(field, "unknown language code '" + code + "' (known: " + known + ")");
}

}  // namespace

std::string_view PriorityName(Priority p) {
  switch (p) {
    case Priority::kLow:
      return "low";
    case Priority::kNormal:
      return "normal";
    case Priority::kHigh:
      return "high";
  }
  return "normal";
}

const std::vector<std::string>& KnownPresets() {
  static const std::vector<std::string> kPresets = {"social_ad", "explainer", "product_demo",
                                                    "announcement"};
  return kPresets;
}

const std::vector<std::string>& KnownAspectRatios() {
  static const std::vector<std::string> kAspects = {"16:9", "9:16", "1:1"};
  return kAspects;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : c & (0xff >> (n + 1));
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = s[i + k];
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Reject overlong forms, surrogates and code points past U+10FFFF.
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return false;
    i += n;
  }
  return true;
}

size_t Utf8Length(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](unsigned char c) { return (c & 0xc0) != 0x80; }));
}

std::string CutUtf8(std::string_view s, size_t max_chars) {
  size_t chars = 0, i = 0;
  while (i < s.size() && chars < max_chars) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + len > s.size()) break;
    i += len;
    ++chars;
  }
  return std::string(s.substr(0, i));
}

Result<Brief> BriefFromJson(const Json& j, const BriefLimits& limits) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, ""));
  AIPROD_TRY(r.OnlyKeys({"content", "preset", "priority", "lang", "target_langs", "aspect_ratios",
                         "brand_id", "duration_hint_s", "review", "draft", "webhook_url"}));
  Brief b;
  AIPROD_ASSIGN(b.content, r.String("content", 16 * limits.max_content_chars));
  if (!IsValidUtf8(b.content)) return Invalid("content", "is not valid UTF-8");
  if (IsBlank(b.content)) return Invalid("content", "must not be empty");
  if (size_t n = Utf8Length(b.content); n > limits.max_content_chars) {
    return Invalid("content", "is " + std::to_string(n) + " characters long; the limit is " +
                                  std::to_string(limits.max_content_chars));
  }

  AIPROD_ASSIGN(auto preset, r.OptString("preset", 64));
  if (preset) {
    const auto& known = KnownPresets();
    if (std::find(known.begin(), known.end(), *preset) == known.end()) {
      return Invalid("preset", "unknown preset '" + *preset +
                                   "' (known: social_ad, explainer, product_demo, announcement)");
    }
    b.preset = *preset;
  }

  AIPROD_ASSIGN(auto priority, r.OptString("priority", 16));
  if (priority) {
    if (*priority == "low") {
      b.priority = Priority::kLow;
    } else if (*priority == "normal") {
      b.priority = Priority::kNormal;
    } else if (*priority == "high") {
      b.priority = Priority::kHigh;
    } else {
      return Invalid("priority", "must be one of low, normal, high");
    }
  }

  AIPROD_ASSIGN(auto lang, r.OptString("lang", 16));
  b.lang = lang.value_or("en");
  AIPROD_TRY(CheckLanguage(b.lang, "lang"));

  AIPROD_ASSIGN(b.target_langs, StringList(r, "target_langs", limits.max_target_langs));
  for (size_t i = 0; i < b.target_langs.size(); ++i) {
    AIPROD_TRY(CheckLanguage(b.target_langs[i], ItemPath("target_langs", i)));
  }
  if (b.target_langs.empty()) b.target_langs = {b.lang};

  AIPROD_ASSIGN(b.aspect_ratios, StringList(r, "aspect_ratios", 3));
  for (size_t i = 0; i < b.aspect_ratios.size(); ++i) {
    const auto& known = KnownAspectRatios();
    if (std::find(known.begin(), known.end(), b.aspect_ratios[i]) == known.end()) {
      return Invalid(ItemPath("aspect_ratios", i),
                     "unknown aspect ratio '" + b.aspect_ratios[i] + "' (known: 16:9, 9:16, 1:1)");
    }
  }
  if (b.aspect_ratios.empty()) b.aspect_ratios = {"16:9"};

  AIPROD_ASSIGN(auto brand, r.OptString("brand_id", 128));
  b.brand_id = brand.value_or("");
  for (char c : b.brand_id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return Invalid("brand_id", "may contain only letters, digits, '-' and '_'");
    }
  }
  AIPROD_ASSIGN(b.duration_hint_s, r.OptNumber("duration_hint_s", 1, limits.max_duration_s));
  AIPROD_ASSIGN(b.review, r.Bool("review", false));
  AIPROD_ASSIGN(b.draft, r.Bool("draft", false));
  AIPROD_ASSIGN(auto webhook, r.OptString("webhook_url", 2048));
  b.webhook_url = webhook.value_or("");
  return b;
}

void WriteBriefMembers(JsonWriter& w, const Brief& b) {
  w.Member("content", b.content)
      .Member("preset", b.preset)
      .Member("priority", PriorityName(b.priority))
      .Member("lang", b.lang);
  w.Key("target_langs").BeginArray();
  for (const auto& l : b.target_langs) w.String(l);
  w.EndArray().Key("aspect_ratios").BeginArray();
  for (const auto& a : b.aspect_ratios) w.String(a);
  w.EndArray().Member("review", b.review).Member("draft", b.draft);
  if (!b.brand_id.empty()) w.Member("brand_id", b.brand_id);
  if (b.duration_hint_s) w.Member("duration_hint_s", Json(*b.duration_hint_s));
  if (!b.webhook_url.empty()) w.Member("webhook_url", b.webhook_url);
}

}  // namespace aiprod
