// Which addresses and URLs a webhook may go to.
#include "storage/url_guard.h"

#include <gtest/gtest.h>

namespace aiprod {
namespace {

AddressClass Class(const char* ip) {
  auto c = ClassifyAddress(ip);
  EXPECT_TRUE(c.has_value()) << ip;
  return c.value_or(AddressClass::kReserved);
}

TEST(UrlGuard, ClassifiesAddresses) {
  EXPECT_EQ(Class("93.184.216.34"), AddressClass::kPublic);
  EXPECT_EQ(Class("2606:2800:220:1:248:1893:25c8:1946"), AddressClass::kPublic);
  EXPECT_EQ(Class("127.0.0.1"), AddressClass::kLoopback);
  EXPECT_EQ(Class("127.255.0.9"), AddressClass::kLoopback);
  EXPECT_EQ(Class("::1"), AddressClass::kLoopback);
  for (const char* p : {"10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1", "100.64.0.1",
                        "fc00::1", "fd12:3456::1"}) {
    EXPECT_EQ(Class(p), AddressClass::kPrivate) << p;
  }
  EXPECT_EQ(Class("172.32.0.1"), AddressClass::kPublic);
  EXPECT_EQ(Class("169.254.169.254"), AddressClass::kLinkLocal);  // cloud metadata
  EXPECT_EQ(Class("fe80::1"), AddressClass::kLinkLocal);
  EXPECT_EQ(Class("0.0.0.0"), AddressClass::kUnspecified);
  EXPECT_EQ(Class("::"), AddressClass::kUnspecified);
  EXPECT_EQ(Class("224.0.0.1"), AddressClass::kMulticast);
  EXPECT_EQ(Class("ff02::1"), AddressClass::kMulticast);
  EXPECT_EQ(Class("255.255.255.255"), AddressClass::kReserved);
  // IPv4 inside IPv6 is judged by the IPv4 address.
  EXPECT_EQ(Class("::ffff:127.0.0.1"), AddressClass::kLoopback);
  EXPECT_EQ(Class("::ffff:10.1.2.3"), AddressClass::kPrivate);
  EXPECT_EQ(Class("64:ff9b::a9fe:a9fe"), AddressClass::kLinkLocal);
  EXPECT_FALSE(ClassifyAddress("example.com").has_value());

  EgressPolicy strict;
  EXPECT_TRUE(AddressAllowed(AddressClass::kPublic, strict));
  EXPECT_FALSE(AddressAllowed(AddressClass::kLoopback, strict));
  EXPECT_FALSE(AddressAllowed(AddressClass::kPrivate, strict));
  EgressPolicy open{true, true, true};
  EXPECT_TRUE(AddressAllowed(AddressClass::kLoopback, open));
  EXPECT_TRUE(AddressAllowed(AddressClass::kLinkLocal, open));
  EXPECT_FALSE(AddressAllowed(AddressClass::kUnspecified, open));  // never
  EXPECT_FALSE(AddressAllowed(AddressClass::kMulticast, open));
}

TEST(UrlGuard, ParsesAndRefusesUrls) {
  EgressPolicy strict;
  auto ok = ParseTargetUrl("https://hooks.example.com/aiprod?x=1", strict);
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->host, "hooks.example.com");
  EXPECT_EQ(ok->port, 443);
  auto v6 = ParseTargetUrl("https://[::1]:8443/h", strict);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8443);
  EXPECT_FALSE(ParseTargetUrl("http://hooks.example.com/", strict));  // https only by default
  EXPECT_TRUE(ParseTargetUrl("http://hooks.example.com/", {.allow_http = true}));
  EXPECT_FALSE(ParseTargetUrl("ftp://hooks.example.com/", {.allow_http = true}));
  EXPECT_FALSE(ParseTargetUrl("file:///etc/passwd", strict));
  EXPECT_FALSE(ParseTargetUrl("https://user:pw@hooks.example.com/", strict));
  EXPECT_FALSE(ParseTargetUrl("not a url", strict));
  // Resolution: every address must pass.
  auto loop = ParseTargetUrl("https://127.0.0.1:9/", strict);
  ASSERT_TRUE(loop);
  auto refused = ResolveAllowed(*loop, strict);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(refused.error().message.find("loopback"), std::string::npos);
  auto allowed = ResolveAllowed(*loop, {.allow_loopback = true});
  ASSERT_TRUE(allowed);
  EXPECT_EQ(*allowed, std::vector<std::string>{"127.0.0.1"});
  auto localhost = ParseTargetUrl("https://localhost:9/", strict);
  ASSERT_TRUE(localhost);
  EXPECT_FALSE(ResolveAllowed(*localhost, strict));  // a name is judged by its addresses
}

}  // namespace
}  // namespace aiprod
