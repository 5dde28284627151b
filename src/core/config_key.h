// How a setting is declared: one row per key, next to the struct it lands
// in. Everything else about settings (TOML keys, AIPROD_* environment names,
// range errors, `aiprod config show`, `aiprod config keys` and the README's
// table) is derived from these rows by config.cc.
//
// The rows live in core, beside their structs, rather than being registered
// by render/, qa/, api/...: LoadConfig must know every key before any of
// those libraries runs (to refuse an unknown key in the file), core may not
// include them, and registration from static initializers of static
// libraries is silently dropped by the linker when nothing else references
// the object file. So a subsystem "owns" its section by owning its struct and
// table here, and nothing else names its keys.
#pragma once

#include <string_view>
#include <variant>

namespace aiprod {

enum SettingFlag : unsigned {
  kSettingSecret = 1,  // redacted when shown; may come from AIPROD_<NAME>_FILE or secrets_file
  kSettingPath = 2,    // a relative value from the config file resolves against its directory
};

// One key of section `S`: its name within the section ("crf"; the section
// adds "render."), the member it lands in, what it accepts, and its help
// text (the README's "meaning" column). Its default is the member's
// initializer: the table reads it from a default-constructed `S`.
template <class S>
struct SettingKey {
  std::string_view name;
  std::variant<std::string S::*, int S::*, double S::*> member;
  double min = 0, max = 0;   // numbers: inclusive bounds
  std::string_view choices;  // strings: "a|b|c" allowed values; empty: any
  unsigned flags = 0;        // SettingFlag bits
  std::string_view help;
};

// Builders, so a table row reads as "what it is, where it lands, bounds, help".
namespace setting {

template <class S>
constexpr SettingKey<S> Int(std::string_view name, int S::*m, double lo, double hi,
                            std::string_view help) {
  return {name, m, lo, hi, {}, 0, help};
}

template <class S>
constexpr SettingKey<S> Number(std::string_view name, double S::*m, double lo, double hi,
                               std::string_view help) {
  return {name, m, lo, hi, {}, 0, help};
}

template <class S>
constexpr SettingKey<S> Text(std::string_view name, std::string S::*m, std::string_view help) {
  return {name, m, 0, 0, {}, 0, help};
}

// A string restricted to `choices` ("a|b|c").
template <class S>
constexpr SettingKey<S> OneOf(std::string_view name, std::string S::*m, std::string_view choices,
                              std::string_view help) {
  return {name, m, 0, 0, choices, 0, help};
}

// A file or directory: relative values from the config file resolve against
// the file's directory (environment values and defaults: the working directory).
template <class S>
constexpr SettingKey<S> Path(std::string_view name, std::string S::*m, std::string_view help) {
  return {name, m, 0, 0, {}, kSettingPath, help};
}

template <class S>
constexpr SettingKey<S> Secret(std::string_view name, std::string S::*m, std::string_view help) {
  return {name, m, 0, 0, {}, kSettingSecret, help};
}

}  // namespace setting
}  // namespace aiprod
