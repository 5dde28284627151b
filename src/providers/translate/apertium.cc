#include "providers/translate/apertium.h"

#include <filesystem>

#include "core/subprocess.h"

namespace aiprod {
namespace {

// Debian's mode names for the pairs scripts/setup installs (ISO 639-3 or -1).
struct ModeName {
  const char* mode;
  const char* from;
  const char* to;
};
constexpr ModeName kModes[] = {
    {"eng-spa", "en", "es"}, {"spa-eng", "es", "en"}, {"eng-cat", "en", "ca"},
    {"cat-eng", "ca", "en"}, {"fr-es", "fr", "es"},   {"es-fr", "es", "fr"},
    {"fra-cat", "fr", "ca"}, {"cat-fra", "ca", "fr"}, {"spa-cat", "es", "ca"},
    {"cat-spa", "ca", "es"},
};

// Apertium marks words it could not generate with '#' and '@'; drop the marks.
std::string Clean(std::string s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    bool mark = (s[i] == '#' || s[i] == '@') && i + 1 < s.size() &&
                (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\n');
    if (!mark) out += s[i];
  }
  return out;
}

}  // namespace

ApertiumTranslator::ApertiumTranslator(const std::string& modes_dir, double timeout_s)
    : timeout_s_(timeout_s) {
  for (const auto& m : kModes) {
    if (std::filesystem::exists(modes_dir + "/" + m.mode + ".mode")) {
      pairs_.emplace_back(m.from, m.to);
      modes_.push_back(m.mode);
    }
  }
}

Result<std::vector<std::string>> ApertiumTranslator::TranslateDirect(
    const std::vector<std::string>& texts, const std::string& from, const std::string& to) const {
  std::string mode;
  for (size_t i = 0; i < pairs_.size(); ++i) {
    if (pairs_[i] == LangPair{from, to}) mode = modes_[i];
  }
  if (mode.empty()) {
    return Invalid("target_langs", "apertium has no direct pair " + from + "->" + to);
  }
  // One text per line; newlines inside a text would break the correspondence.
  std::string input;
  for (const auto& t : texts) {
    std::string line = t;
    for (char& c : line) c = c == '\n' || c == '\r' ? ' ' : c;
    input += line + "\n";
  }
  SubprocessOptions options;
  options.stdin_data = input;
  options.timeout_s = timeout_s_;
  options.extra_env = {"LC_ALL=C.UTF-8"};
  auto r = RunSubprocess({"apertium", "-u", mode}, options);
  if (!r) {
    if (r.error().code == ErrorCode::kNotFound) {
      return Fail(ErrorCode::kUnavailable, "apertium is not installed (scripts/setup installs it)");
    }
    return Unexpected(r.error());
  }
  if (r->exit_code != 0) {
    return Fail(ErrorCode::kUnavailable, "apertium " + mode + " failed (exit " +
                                             std::to_string(r->exit_code) +
                                             "): " + r->err.substr(0, 300));
  }
  std::vector<std::string> out;
  size_t start = 0;
  const std::string& s = r->out;
  while (start < s.size() && out.size() < texts.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    out.push_back(Clean(s.substr(start, nl - start)));
    start = nl + 1;
  }
  return out;
}

}  // namespace aiprod
