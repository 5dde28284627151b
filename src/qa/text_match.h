// Comparing text read by OCR with the text a manifest put on screen.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace aiprod {

// Lower case (Unicode simple case mapping of the C.UTF-8 locale), typographic
// quotes and dashes as ASCII, every run of whitespace as one space, trimmed;
// a word hyphenated at a line break ("Orden- an") is joined again.
// Invalid UTF-8 bytes become U+FFFD.
std::u32string NormalizeForMatch(std::string_view utf8);

// Levenshtein distance from `expected` to the substring of `found` it matches
// best (text around it in `found` costs nothing).
size_t SubstringEditDistance(std::u32string_view expected, std::u32string_view found);

// Character error rate of several expected texts against one OCR reading:
// the sum of their SubstringEditDistance over the sum of their lengths
// (after normalisation). 0 when nothing is expected.
double CharacterErrorRate(const std::vector<std::string>& expected, std::string_view found);

}  // namespace aiprod
