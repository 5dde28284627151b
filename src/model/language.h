// The languages AIPROD knows: ISO 639-1 codes with what each needs to be
// spoken, drawn and read (espeak-ng voice, text direction, Tesseract model).
#pragma once

#include <string_view>
#include <vector>

namespace aiprod {

struct Language {
  std::string_view code;       // ISO 639-1: "en"
  std::string_view name;       // "English"
  std::string_view voice;      // espeak-ng voice name
  bool rtl = false;            // written right to left
  std::string_view tesseract;  // Tesseract model name, "" if none installed
};

// nullptr when `code` is not a language AIPROD knows.
const Language* FindLanguage(std::string_view code);
const std::vector<Language>& AllLanguages();

}  // namespace aiprod
