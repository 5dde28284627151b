// Keeping terms untranslated: each occurrence becomes a placeholder token that
// translation engines pass through as an unknown word, then is put back.
#pragma once

#include <string>
#include <vector>

namespace aiprod {

struct ProtectedTexts {
  std::vector<std::string> texts;  // with placeholders
  std::vector<std::string> terms;  // placeholder i stands for terms[i]
};

// Case-sensitive, whole-word matches; longer terms win over shorter ones.
ProtectedTexts ProtectTerms(const std::vector<std::string>& texts,
                            const std::vector<std::string>& terms);
std::vector<std::string> RestoreTerms(const std::vector<std::string>& texts,
                                      const ProtectedTexts& p);

}  // namespace aiprod
