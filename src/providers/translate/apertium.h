// Apertium through its command line (`apertium -u MODE`): the library exposes
// only single stages, and a long-lived pipe was seen to hang, so each batch is
// one process (about 0.5 s to start; all of a job's texts go in one batch).
#pragma once

#include "providers/translate/translator.h"

namespace aiprod {

class ApertiumTranslator final : public Translator {
 public:
  // Finds the installed modes in `modes_dir`.
  explicit ApertiumTranslator(const std::string& modes_dir = "/usr/share/apertium/modes",
                              double timeout_s = 60);
  std::vector<LangPair> DirectPairs() const override { return pairs_; }
  Result<std::vector<std::string>> TranslateDirect(const std::vector<std::string>& texts,
                                                   const std::string& from,
                                                   const std::string& to) const override;

 private:
  std::vector<LangPair> pairs_;
  std::vector<std::string> modes_;  // mode name for pairs_[i]
  double timeout_s_;
};

}  // namespace aiprod
