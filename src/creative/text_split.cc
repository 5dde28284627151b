#include "creative/text_split.h"

#include <array>
#include <cctype>

namespace aiprod {
namespace {

// Multi-byte punctuation that ends a sentence: … 。 ！ ？ ؟ ।
constexpr std::array<std::string_view, 6> kTerminalsUtf8 = {"\u2026", "\u3002", "\uff01",
                                                            "\uff1f", "\u061f", "\u0964"};
constexpr std::array<std::string_view, 5> kClauseBreaksUtf8 = {"\u2014", "\u2013", "\u3001",
                                                               "\uff0c", "\u060c"};

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Length of a terminal mark starting at text[i], 0 if none.
size_t TerminalAt(std::string_view text, size_t i) {
  char c = text[i];
  if (c == '.' || c == '!' || c == '?') return 1;
  for (auto t : kTerminalsUtf8) {
    if (text.substr(i, t.size()) == t) return t.size();
  }
  return 0;
}

size_t ClauseBreakAt(std::string_view text, size_t i) {
  char c = text[i];
  if (c == ',' || c == ';' || c == ':') return 1;
  for (auto t : kClauseBreaksUtf8) {
    if (text.substr(i, t.size()) == t) return t.size();
  }
  return 0;
}

}  // namespace

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsSpace(s[b])) ++b;
  while (e > b && IsSpace(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> SplitSentences(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i < text.size();) {
    size_t n = TerminalAt(text, i);
    if (n == 0) {
      ++i;
      continue;
    }
    size_t end = i + n;
    while (end < text.size() && TerminalAt(text, end) > 0) end += TerminalAt(text, end);
    // A period inside a number ("3.5") or followed by a letter is not an end.
    bool ascii_mark = n == 1;
    bool at_end = end >= text.size();
    bool followed_by_space = !at_end && IsSpace(text[end]);
    if (ascii_mark && !at_end && !followed_by_space) {
      i = end;
      continue;
    }
    std::string s = Trim(text.substr(start, end - start));
    if (!s.empty()) out.push_back(std::move(s));
    start = end;
    i = end;
  }
  std::string rest = Trim(text.substr(start));
  if (!rest.empty()) out.push_back(std::move(rest));
  return out;
}

std::vector<std::string> SplitClauses(std::string_view sentence) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i < sentence.size();) {
    size_t n = ClauseBreakAt(sentence, i);
    // "1,000" is a number, not a clause break.
    bool digit_comma = n == 1 && sentence[i] == ',' && i > 0 && i + 1 < sentence.size() &&
                       std::isdigit(static_cast<unsigned char>(sentence[i - 1])) &&
                       std::isdigit(static_cast<unsigned char>(sentence[i + 1]));
    if (n == 0 || digit_comma) {
      ++i;
      continue;
    }
    std::string c = Trim(sentence.substr(start, i - start));
    if (!c.empty()) out.push_back(std::move(c));
    start = i + n;
    i = start;
  }
  std::string rest = Trim(sentence.substr(start));
  if (!rest.empty()) out.push_back(std::move(rest));
  return out;
}

std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    size_t b = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    if (i > b) out.emplace_back(text.substr(b, i - b));
  }
  return out;
}

size_t CountWords(std::string_view text) { return SplitWords(text).size(); }

std::string StripTrailingPunctuation(std::string_view s) {
  std::string out = Trim(s);
  bool changed = true;
  while (changed && !out.empty()) {
    changed = false;
    char c = out.back();
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?') {
      out.pop_back();
      changed = true;
      continue;
    }
    for (auto t : kTerminalsUtf8) {
      if (out.size() >= t.size() && std::string_view(out).substr(out.size() - t.size()) == t) {
        out.resize(out.size() - t.size());
        changed = true;
      }
    }
  }
  return Trim(out);
}

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace aiprod
