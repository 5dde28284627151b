#include "creative/text_split.h"

#include <gtest/gtest.h>

namespace aiprod {
namespace {

using V = std::vector<std::string>;

TEST(SplitSentences, PunctuationNumbersAndScripts) {
  EXPECT_EQ(SplitSentences("Fresh roast, every morning. Our beans! Ready? Yes"),
            (V{"Fresh roast, every morning.", "Our beans!", "Ready?", "Yes"}));
  EXPECT_EQ(SplitSentences("It costs 3.5 euros. Really..."),
            (V{"It costs 3.5 euros.", "Really..."}));
  EXPECT_EQ(SplitSentences("早上好。咖啡来了！"), (V{"早上好。", "咖啡来了！"}));
  EXPECT_TRUE(SplitSentences("   ").empty());
}

TEST(SplitClauses, CommasButNotThousands) {
  EXPECT_EQ(SplitClauses("Brewed in ninety seconds, tasting like a café."),
            (V{"Brewed in ninety seconds", "tasting like a café."}));
  EXPECT_EQ(SplitClauses("Over 1,000 cups; every day"), (V{"Over 1,000 cups", "every day"}));
}

TEST(Words, CountAndStrip) {
  EXPECT_EQ(CountWords("  a  b\tc\n"), 3u);
  EXPECT_EQ(StripTrailingPunctuation("Hello!?. "), "Hello");
  EXPECT_EQ(StripTrailingPunctuation("Voilà…"), "Voilà");
}

}  // namespace
}  // namespace aiprod
