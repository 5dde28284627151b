// JSON helpers: a strict parser and a reader that validates fields with
// precise, path-named errors (`scenes[3].duration_s: must be between 0.5 and 60`).
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace aiprod {

using Json = nlohmann::json;

// Parses `text` as JSON. Rejects invalid UTF-8, duplicate object keys, nesting
// deeper than `max_depth`, and trailing garbage. `what` names the document in
// error messages ("brief", "manifest").
Result<Json> ParseJsonStrict(std::string_view text, std::string_view what, int max_depth = 64);

// Reads `path` (at most `max_bytes`) and parses it strictly.
Result<Json> ReadJsonFile(const std::string& path, std::string_view what, size_t max_bytes);

// Validating view of one JSON object. Errors name `path.key`.
// Does not own the JSON; it must outlive the reader.
class ObjectReader {
 public:
  // Fails unless `value` is an object.
  static Result<ObjectReader> Open(const Json& value, std::string path);

  const Json* Find(std::string_view key) const;
  std::string PathOf(std::string_view key) const;
  const std::string& path() const { return path_; }

  // Fails if the object has a key outside `known`, naming it.
  Status OnlyKeys(std::initializer_list<std::string_view> known) const;

  Result<std::string> String(std::string_view key, size_t max_len = 100'000) const;
  Result<std::optional<std::string>> OptString(std::string_view key,
                                               size_t max_len = 100'000) const;
  // Numbers must be finite and within [min, max].
  Result<double> Number(std::string_view key, double min, double max) const;
  Result<std::optional<double>> OptNumber(std::string_view key, double min, double max) const;
  Result<int64_t> Int(std::string_view key, int64_t min, int64_t max) const;
  Result<std::optional<int64_t>> OptInt(std::string_view key, int64_t min, int64_t max) const;
  Result<bool> Bool(std::string_view key, bool fallback) const;

 private:
  ObjectReader(const Json& obj, std::string path) : obj_(&obj), path_(std::move(path)) {}
  const Json* obj_;
  std::string path_;
};

// "a.b" + "c" -> "a.b.c"; "" + "c" -> "c"; indexes: ItemPath("scenes", 3) -> "scenes[3]".
std::string JoinPath(std::string_view base, std::string_view key);
std::string ItemPath(std::string_view base, size_t index);

// Formats a number for messages without trailing zeros: 0.5, 60, 1e+06.
std::string FormatNumber(double v);

}  // namespace aiprod
