// Machine translation seam. The offline default is Apertium (Debian's
// packages); an LLM translator can implement the same interface later.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace aiprod {

using LangPair = std::pair<std::string, std::string>;  // ISO 639-1 (from, to)

class Translator {
 public:
  virtual ~Translator() = default;
  // Pairs translated directly (no pivot), in a stable order.
  virtual std::vector<LangPair> DirectPairs() const = 0;
  // Translates each text from `from` to `to` (a direct pair). Output has one
  // entry per input, in order. Fails kUnavailable when the engine is broken.
  virtual Result<std::vector<std::string>> TranslateDirect(const std::vector<std::string>& texts,
                                                           const std::string& from,
                                                           const std::string& to) const = 0;
};

// The shortest chain of direct pairs from `from` to `to` (["en","es","fr"]),
// or kInvalidInput listing every supported route.
Result<std::vector<std::string>> FindRoute(const std::vector<LangPair>& pairs,
                                           const std::string& from, const std::string& to);

// Translates along FindRoute, keeping `keep` terms (brand names, the kit's
// do-not-translate list) exactly as written.
Result<std::vector<std::string>> Translate(const Translator& t,
                                           const std::vector<std::string>& texts,
                                           const std::string& from, const std::string& to,
                                           const std::vector<std::string>& keep);

}  // namespace aiprod
