// Running helper programs: to completion, and kept running to talk to.
#include "core/subprocess.h"

#include <gtest/gtest.h>

namespace aiprod {
namespace {

TEST(RunSubprocess, FeedsInputAndCollectsOutputAndStatus) {
  SubprocessOptions o;
  o.stdin_data = "one\ntwo\n";
  auto r = RunSubprocess({"sh", "-c", "cat; echo oops >&2; exit 3"}, o);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->out, "one\ntwo\n");
  EXPECT_EQ(r->err, "oops\n");
  EXPECT_EQ(r->exit_code, 3);
  auto missing = RunSubprocess({"aiprod-no-such-program"});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST(ChildProcess, AnswersLineByLineUntilItsInputEnds) {
  auto child =
      ChildProcess::Start({"sh", "-c", "while read l; do echo \"got $l\"; done; exit 7"}, {});
  ASSERT_TRUE(child.has_value()) << child.error().ToString();
  for (const char* word : {"alpha", "beta"}) {
    ASSERT_TRUE(child->Write(std::string(word) + "\n", 5));
    auto line = child->ReadLine(5);
    ASSERT_TRUE(line.has_value()) << line.error().ToString();
    EXPECT_EQ(*line, std::string("got ") + word);
  }
  EXPECT_EQ(child->Finish(), 7);  // end of input: the loop ends, the exit status comes back
  EXPECT_FALSE(child->Write("late\n", 1));
}

TEST(ChildProcess, ADeadOrSilentChildIsAnErrorNotAHang) {
  auto silent = ChildProcess::Start({"sleep", "30"}, {});
  ASSERT_TRUE(silent.has_value());
  auto line = silent->ReadLine(0.2);
  ASSERT_FALSE(line.has_value());
  EXPECT_EQ(line.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(silent->Finish(), 128 + 9);  // did not exit on end of input: killed

  auto dead = ChildProcess::Start({"sh", "-c", "exit 0"}, {});
  ASSERT_TRUE(dead.has_value());
  auto gone = dead->ReadLine(5);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code, ErrorCode::kUnavailable);
  // Writing to it fails (no SIGPIPE kills this process).
  std::string big(1 << 20, 'x');
  EXPECT_FALSE(dead->Write(big, 5));

  auto env = ChildProcess::Start({"sh", "-c", "echo \"$AIPROD_TEST_VALUE\""},
                                 {"AIPROD_TEST_VALUE=from the parent"});
  ASSERT_TRUE(env.has_value());
  auto value = env->ReadLine(5);
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(*value, "from the parent");
}

}  // namespace
}  // namespace aiprod
