#include "core/json.h"

#include <cmath>
#include <cstdio>
#include <set>
#include <vector>

#include "core/files.h"

namespace aiprod {
namespace {

struct DuplicateKey {
  std::string key;
};
struct TooDeep {};

}  // namespace

Result<Json> ParseJsonStrict(std::string_view text, std::string_view what, int max_depth) {
  // One key set per open object; arrays push nothing because keys only occur
  // directly inside objects.
  std::vector<std::set<std::string>> open_objects;
  auto callback = [&](int depth, Json::parse_event_t event, Json& parsed) -> bool {
    if (depth > max_depth) throw TooDeep{};
    switch (event) {
      case Json::parse_event_t::object_start:
        open_objects.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        open_objects.pop_back();
        break;
      case Json::parse_event_t::key: {
        std::string key = parsed.get<std::string>();
        if (!open_objects.back().insert(key).second) throw DuplicateKey{key};
        break;
      }
      default:
        break;
    }
    return true;
  };
  try {
    return Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true,
                       /*ignore_comments=*/false);
  } catch (const DuplicateKey& e) {
    return Invalid(e.key, "duplicate key in " + std::string(what));
  } catch (const TooDeep&) {
    return Invalid(
        "", std::string(what) + " nests deeper than " + std::to_string(max_depth) + " levels");
  } catch (const Json::parse_error& e) {
    std::string msg = e.what();
    // nlohmann prefixes "[json.exception.parse_error.101] "; keep the useful part.
    if (auto pos = msg.find("] "); pos != std::string::npos) msg = msg.substr(pos + 2);
    return Invalid("", std::string(what) + " is not valid JSON: " + msg);
  } catch (const Json::out_of_range&) {
    // A number too large for a double (found by fuzz_manifest: 1E5555...).
    return Invalid("", std::string(what) + " holds a number out of range");
  }
}

Result<Json> ReadJsonFile(const std::string& path, std::string_view what, size_t max_bytes) {
  AIPROD_ASSIGN(std::string text, ReadFile(path, max_bytes));
  auto parsed = ParseJsonStrict(text, what);
  if (!parsed) {
    parsed.error().message += " (in " + path + ")";
  }
  return parsed;
}

std::string JoinPath(std::string_view base, std::string_view key) {
  if (base.empty()) return std::string(key);
  std::string out(base);
  out += '.';
  out += key;
  return out;
}

std::string ItemPath(std::string_view base, size_t index) {
  return std::string(base) + "[" + std::to_string(index) + "]";
}

std::string FormatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

Result<ObjectReader> ObjectReader::Open(const Json& value, std::string path) {
  if (!value.is_object()) {
    return Invalid(path.empty() ? "(root)" : path, "must be an object");
  }
  return ObjectReader(value, std::move(path));
}

const Json* ObjectReader::Find(std::string_view key) const {
  auto it = obj_->find(key);
  if (it == obj_->end() || it->is_null()) return nullptr;
  return &*it;
}

std::string ObjectReader::PathOf(std::string_view key) const { return JoinPath(path_, key); }

Status ObjectReader::OnlyKeys(std::initializer_list<std::string_view> known) const {
  for (const auto& [key, value] : obj_->items()) {
    bool found = false;
    for (auto k : known) found = found || k == key;
    if (!found) return Invalid(PathOf(key), "unknown field");
  }
  return {};
}

Result<std::optional<std::string>> ObjectReader::OptString(std::string_view key,
                                                           size_t max_len) const {
  const Json* v = Find(key);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return Invalid(PathOf(key), "must be a string");
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_len) {
    return Invalid(PathOf(key), "must be at most " + std::to_string(max_len) + " bytes long");
  }
  return std::optional<std::string>(s);
}

Result<std::string> ObjectReader::String(std::string_view key, size_t max_len) const {
  AIPROD_ASSIGN(auto s, OptString(key, max_len));
  if (!s) return Invalid(PathOf(key), "is required");
  return *s;
}

Result<std::optional<double>> ObjectReader::OptNumber(std::string_view key, double min,
                                                      double max) const {
  const Json* v = Find(key);
  if (!v) return std::optional<double>();
  if (!v->is_number()) return Invalid(PathOf(key), "must be a number");
  double d = v->get<double>();
  if (!std::isfinite(d) || d < min || d > max) {
    return Invalid(PathOf(key),
                   "must be between " + FormatNumber(min) + " and " + FormatNumber(max));
  }
  return std::optional<double>(d);
}

Result<double> ObjectReader::Number(std::string_view key, double min, double max) const {
  AIPROD_ASSIGN(auto d, OptNumber(key, min, max));
  if (!d) return Invalid(PathOf(key), "is required");
  return *d;
}

Result<std::optional<int64_t>> ObjectReader::OptInt(std::string_view key, int64_t min,
                                                    int64_t max) const {
  const Json* v = Find(key);
  if (!v) return std::optional<int64_t>();
  bool integral = v->is_number_integer() ||
                  (v->is_number_float() && std::nearbyint(v->get<double>()) == v->get<double>() &&
                   std::fabs(v->get<double>()) < 9e15);
  if (!integral) return Invalid(PathOf(key), "must be an integer");
  int64_t i =
      v->is_number_unsigned() && v->get<uint64_t>() > uint64_t(INT64_MAX)
          ? INT64_MAX
          : (v->is_number_float() ? static_cast<int64_t>(v->get<double>()) : v->get<int64_t>());
  if (i < min || i > max) {
    return Invalid(PathOf(key),
                   "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return std::optional<int64_t>(i);
}

Result<int64_t> ObjectReader::Int(std::string_view key, int64_t min, int64_t max) const {
  AIPROD_ASSIGN(auto i, OptInt(key, min, max));
  if (!i) return Invalid(PathOf(key), "is required");
  return *i;
}

Result<bool> ObjectReader::Bool(std::string_view key, bool fallback) const {
  const Json* v = Find(key);
  if (!v) return fallback;
  if (!v->is_boolean()) return Invalid(PathOf(key), "must be true or false");
  return v->get<bool>();
}

}  // namespace aiprod
