// Splitting brief text into sentences, clauses and words (UTF-8 aware enough
// for Latin, Cyrillic, Arabic, Hebrew and CJK punctuation).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace aiprod {

// Sentences with their terminal punctuation, trimmed. Text without terminal
// punctuation is one sentence.
std::vector<std::string> SplitSentences(std::string_view text);
// Clauses: pieces between commas, semicolons, colons and dashes, trimmed.
std::vector<std::string> SplitClauses(std::string_view sentence);
std::vector<std::string> SplitWords(std::string_view text);
size_t CountWords(std::string_view text);
std::string Trim(std::string_view s);
// Removes trailing punctuation (.,;:!?… and their CJK forms).
std::string StripTrailingPunctuation(std::string_view s);
std::string ToLowerAscii(std::string_view s);

}  // namespace aiprod
