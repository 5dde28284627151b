#include "model/language.h"

namespace aiprod {

const std::vector<Language>& AllLanguages() {
  // Languages with an espeak-ng voice in Debian's espeak-ng-data. Tesseract
  // models listed are those scripts/setup installs.
  static const std::vector<Language> kLanguages = {
      {"ar", "Arabic", "ar", true, ""},      {"ca", "Catalan", "ca", false, "cat"},
      {"cs", "Czech", "cs", false, ""},      {"da", "Danish", "da", false, ""},
      {"de", "German", "de", false, ""},     {"el", "Greek", "el", false, ""},
      {"en", "English", "en", false, "eng"}, {"es", "Spanish", "es", false, "spa"},
      {"fi", "Finnish", "fi", false, ""},    {"fr", "French", "fr", false, "fra"},
      {"he", "Hebrew", "he", true, ""},      {"hi", "Hindi", "hi", false, ""},
      {"hu", "Hungarian", "hu", false, ""},  {"it", "Italian", "it", false, ""},
      {"ja", "Japanese", "ja", false, ""},   {"ko", "Korean", "ko", false, ""},
      {"nl", "Dutch", "nl", false, ""},      {"no", "Norwegian", "nb", false, ""},
      {"pl", "Polish", "pl", false, ""},     {"pt", "Portuguese", "pt", false, ""},
      {"ro", "Romanian", "ro", false, ""},   {"ru", "Russian", "ru", false, ""},
      {"sv", "Swedish", "sv", false, ""},    {"tr", "Turkish", "tr", false, ""},
      {"uk", "Ukrainian", "uk", false, ""},  {"zh", "Chinese", "cmn", false, ""},
  };
  return kLanguages;
}

const Language* FindLanguage(std::string_view code) {
  for (const auto& l : AllLanguages()) {
    if (l.code == code) return &l;
  }
  return nullptr;
}

}  // namespace aiprod
