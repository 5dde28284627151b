#include <gtest/gtest.h>

#include "providers/translate/apertium.h"
#include "providers/translate/protect.h"
#include "providers/translate/translator.h"

namespace aiprod {
namespace {

const std::vector<LangPair> kPairs = {{"en", "es"}, {"es", "en"}, {"es", "fr"},
                                      {"fr", "es"}, {"en", "ca"}, {"ca", "fr"}};

TEST(FindRoute, DirectPivotAndUnsupported) {
  EXPECT_EQ(*FindRoute(kPairs, "en", "es"), (std::vector<std::string>{"en", "es"}));
  EXPECT_EQ(*FindRoute(kPairs, "en", "fr"), (std::vector<std::string>{"en", "es", "fr"}));
  EXPECT_EQ(*FindRoute(kPairs, "fr", "fr"), (std::vector<std::string>{"fr"}));
  auto none = FindRoute(kPairs, "en", "ja");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(none.error().field, "target_langs");
  EXPECT_NE(none.error().message.find("no translation route from 'en' to 'ja'"), std::string::npos);
  EXPECT_NE(none.error().message.find("en->fr"), std::string::npos);
}

TEST(ProtectTerms, WholeWordsLongestFirstAndCaseInsensitiveRestore) {
  auto p = ProtectTerms({"Northwind Coffee roasts. Northwind rocks. Northwinds no."},
                        {"Northwind", "Northwind Coffee"});
  EXPECT_EQ(p.texts[0].find("Northwind Coffee"), std::string::npos);
  EXPECT_NE(p.texts[0].find("Northwinds"), std::string::npos);  // not a whole word
  std::string shouted = p.texts[0];
  for (auto& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto back = RestoreTerms({p.texts[0], shouted}, p);
  EXPECT_EQ(back[0], "Northwind Coffee roasts. Northwind rocks. Northwinds no.");
  EXPECT_NE(back[1].find("Northwind Coffee"), std::string::npos);
}

// The real engine, from Debian's packages (scripts/setup installs the pairs).
TEST(Apertium, TranslatesDirectlyAndThroughAPivotKeepingBrandNames) {
  ApertiumTranslator t;
  ASSERT_FALSE(t.DirectPairs().empty()) << "apertium language pairs are not installed";
  auto es = Translate(t, {"Fresh coffee every morning.", "Order from Northwind Coffee today."},
                      "en", "es", {"Northwind Coffee"});
  ASSERT_TRUE(es) << es.error().ToString();
  ASSERT_EQ(es->size(), 2u);
  EXPECT_NE((*es)[0].find("fresco"), std::string::npos) << (*es)[0];
  EXPECT_NE((*es)[1].find("Northwind Coffee"), std::string::npos) << (*es)[1];
  EXPECT_NE((*es)[1].find("hoy"), std::string::npos) << (*es)[1];

  auto fr = Translate(t, {"The house is warm."}, "en", "fr", {});  // no direct en-fr pair
  ASSERT_TRUE(fr) << fr.error().ToString();
  EXPECT_NE((*fr)[0].find("maison"), std::string::npos) << (*fr)[0];

  auto unsupported = Translate(t, {"Hello."}, "en", "ja", {});
  ASSERT_FALSE(unsupported);
  EXPECT_EQ(unsupported.error().code, ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace aiprod
