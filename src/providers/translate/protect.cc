#include "providers/translate/protect.h"

#include <algorithm>
#include <cctype>

namespace aiprod {
namespace {

// Letters and digits only, no dictionary would know it, survives case changes
// by matching case-insensitively on the way back.
std::string Token(size_t i) { return "Zqx" + std::to_string(i) + "qz"; }

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80); }

}  // namespace

ProtectedTexts ProtectTerms(const std::vector<std::string>& texts,
                            const std::vector<std::string>& terms_in) {
  ProtectedTexts p;
  p.terms = terms_in;
  p.terms.erase(std::remove(p.terms.begin(), p.terms.end(), std::string()), p.terms.end());
  std::vector<size_t> order(p.terms.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return p.terms[a].size() > p.terms[b].size(); });
  for (std::string text : texts) {
    for (size_t i : order) {
      const std::string& term = p.terms[i];
      size_t pos = 0;
      while ((pos = text.find(term, pos)) != std::string::npos) {
        bool left = pos == 0 || !IsWordChar(text[pos - 1]);
        size_t end = pos + term.size();
        bool right = end >= text.size() || !IsWordChar(text[end]);
        if (left && right) {
          text.replace(pos, term.size(), Token(i));
          pos += Token(i).size();
        } else {
          pos = end;
        }
      }
    }
    p.texts.push_back(std::move(text));
  }
  return p;
}

std::vector<std::string> RestoreTerms(const std::vector<std::string>& texts,
                                      const ProtectedTexts& p) {
  std::vector<std::string> out;
  for (std::string text : texts) {
    for (size_t i = 0; i < p.terms.size(); ++i) {
      std::string token = Token(i);
      // Engines may capitalise or lower-case an unknown word.
      for (size_t pos = 0; pos + token.size() <= text.size();) {
        bool match = true;
        for (size_t k = 0; k < token.size() && match; ++k) {
          match = std::tolower(static_cast<unsigned char>(text[pos + k])) ==
                  std::tolower(static_cast<unsigned char>(token[k]));
        }
        if (match) {
          text.replace(pos, token.size(), p.terms[i]);
          pos += p.terms[i].size();
        } else {
          ++pos;
        }
      }
    }
    out.push_back(std::move(text));
  }
  return out;
}

}  // namespace aiprod
