#include "qa/text_match.h"

#include <algorithm>
#include <cwctype>

namespace aiprod {
namespace {

// Decodes one UTF-8 sequence at `i`; U+FFFD (and one byte) when invalid.
char32_t NextCodePoint(std::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return U'\uFFFD';
  }
  char32_t cp = len == 1 ? b0 : b0 & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return U'\uFFFD';
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += len;
  return cp;
}

char32_t Fold(char32_t c) {
  switch (c) {
    case U'\u2018':
    case U'\u2019':
    case U'\u201A':
    case U'\u2032':
    case U'`':
      return U'\'';
    case U'\u201C':
    case U'\u201D':
    case U'\u201E':
    case U'\u00AB':
    case U'\u00BB':
      return U'"';
    case U'\u2010':
    case U'\u2011':
    case U'\u2012':
    case U'\u2013':
    case U'\u2014':
    case U'\u2212':
      return U'-';
    case U'\u00A0':
    case U'\u202F':
    case U'\u2009':
      return U' ';
    default:
      break;
  }
  if (c < 0x80) return (c >= U'A' && c <= U'Z') ? c + 32 : c;
  return static_cast<char32_t>(std::towlower(static_cast<wint_t>(c)));
}

bool IsSpace(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == U'\f' || c == U'\v';
}

}  // namespace

std::u32string NormalizeForMatch(std::string_view utf8) {
  std::u32string out;
  size_t i = 0;
  bool pending_space = false;
  while (i < utf8.size()) {
    char32_t c = Fold(NextCodePoint(utf8, i));
    if (c == U'\u00AD') continue;  // soft hyphen
    if (IsSpace(c)) {
      // A word broken at a line end ("Orden-" / "an"): join its halves.
      if (out.size() >= 2 && out.back() == U'-' &&
          std::iswalpha(static_cast<wint_t>(out[out.size() - 2]))) {
        out.pop_back();
        pending_space = false;
        while (i < utf8.size() && IsSpace(static_cast<unsigned char>(utf8[i]))) ++i;
        continue;
      }
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(U' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

size_t SubstringEditDistance(std::u32string_view expected, std::u32string_view found) {
  // prev[j]: distance of expected[0..i) ending at found[j) with a free start.
  std::vector<size_t> prev(found.size() + 1, 0), cur(found.size() + 1);
  for (size_t i = 1; i <= expected.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= found.size(); ++j) {
      size_t sub = prev[j - 1] + (expected[i - 1] == found[j - 1] ? 0 : 1);
      cur[j] = std::min({sub, prev[j] + 1, cur[j - 1] + 1});
    }
    std::swap(prev, cur);
  }
  return *std::ranges::min_element(prev);
}

double CharacterErrorRate(const std::vector<std::string>& expected, std::string_view found) {
  const std::u32string got = NormalizeForMatch(found);
  size_t errors = 0, length = 0;
  for (const auto& e : expected) {
    std::u32string want = NormalizeForMatch(e);
    errors += SubstringEditDistance(want, got);
    length += want.size();
  }
  return length > 0 ? static_cast<double>(errors) / static_cast<double>(length) : 0;
}

}  // namespace aiprod
