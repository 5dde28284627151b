#include "core/ids.h"

#include <gtest/gtest.h>

#include <set>

#include "core/clock.h"
#include "core/hash.h"

namespace aiprod {
namespace {

TEST(Ids, UuidV7HasVersionVariantAndTime) {
  const uint8_t r[10] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  std::string id = UuidV7From(0x0123456789ab, r);
  EXPECT_EQ(id, "01234567-89ab-7fff-bfff-ffffffffffff");
  EXPECT_TRUE(IsUuid(id));
}

TEST(Ids, SortByCreationTimeAndDoNotCollide) {
  FakeClock clock;
  std::set<std::string> seen;
  std::string previous;
  for (int i = 0; i < 2000; ++i) {
    clock.Advance(1);
    std::string id = NewUuidV7(clock);
    EXPECT_TRUE(seen.insert(id).second) << id;
    EXPECT_LT(previous, id);
    previous = id;
  }
  // Same millisecond: still unique thanks to 74 random bits.
  std::set<std::string> same;
  for (int i = 0; i < 2000; ++i) EXPECT_TRUE(same.insert(NewUuidV7(clock)).second);
}

TEST(Ids, IsUuidRejectsOtherShapes) {
  EXPECT_FALSE(IsUuid("deadbeef"));
  EXPECT_FALSE(IsUuid("01234567-89ab-7fff-bfff-fffffffffffZ"));
  EXPECT_FALSE(IsUuid("0123456789ab-7fff-bfff-ffffffffffff-"));
}

TEST(Hash, KnownVectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(Sha256().Update("a").Update("bc").HexDigest(), Sha256Hex("abc"));
}

TEST(Clock, FormatsRfc3339) {
  EXPECT_EQ(FormatTimestamp(1'700'000'000'123), "2023-11-14T22:13:20.123Z");
}

}  // namespace
}  // namespace aiprod
