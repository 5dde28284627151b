// Which addresses and URLs a webhook may go to.
#include "notify/url_guard.h"

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

TEST(UrlGuard, IPv4InsideIPv6IsJudgedByTheIPv4Address) {
  EXPECT_EQ(Class("2002:7f00:1::"), AddressClass::kLoopback);       // 6to4 of 127.0.0.1
  EXPECT_EQ(Class("2002:a9fe:a9fe::1"), AddressClass::kLinkLocal);  // 6to4 of the metadata address
  EXPECT_EQ(Class("2002:c0a8:101::"), AddressClass::kPrivate);      // 6to4 of 192.168.1.1
  EXPECT_EQ(Class("2002:5db8:d822::"), AddressClass::kPublic);      // 6to4 of 93.184.216.34
  EXPECT_EQ(Class("64:ff9b::7f00:1"), AddressClass::kLoopback);     // NAT64
  EXPECT_EQ(Class("64:ff9b:1::a00:1"), AddressClass::kPrivate);     // NAT64, local use
  EXPECT_EQ(Class("64:ff9b:1:ffff::5db8:d822"), AddressClass::kPrivate);
  EXPECT_EQ(Class("::ffff:0:127.0.0.1"), AddressClass::kLoopback);  // SIIT
  EXPECT_EQ(Class("::ffff:0:a9fe:a9fe"), AddressClass::kLinkLocal);
  EXPECT_EQ(Class("::ffff:0:93.184.216.34"), AddressClass::kPublic);
  EXPECT_EQ(Class("::ffff:169.254.169.254"), AddressClass::kLinkLocal);  // mapped
}

TEST(UrlGuard, HostsAreCheckedWithoutALookupInEveryFormAResolverAccepts) {
  EgressPolicy strict;
  for (const char* url : {"https://localhost./h",
                          "https://LOCALHOST/h",
                          "https://api.localhost./h",
                          "https://metadata.google.internal./computeMetadata/v1/",
                          "https://metadata.google.internal/",
                          "https://printer.local./",
                          "https://router.home.arpa/",
                          "https://intranet/",
                          "https://intranet./",
                          "https://0x7f.1/",
                          "https://0x7f000001/",
                          "https://2130706433/",
                          "https://017700000001/",
                          "https://127.1/",
                          "https://0177.0.0.1/",
                          "https://10.1/",
                          "https://0xa9.0xfe.0xa9.0xfe/",
                          "https://127.0.0.1./",
                          "https://0/",
                          "https://[::1]/",
                          "https://[2002:7f00:1::]/",
                          "https://[64:ff9b:1::1]/",
                          "https://[::ffff:0:7f00:1]/",
                          "https://[::ffff:127.0.0.1]/",
                          "https://[fe80::1]/",
                          "https://example.com../"}) {
    auto r = CheckTargetUrl(url, strict);
    EXPECT_FALSE(r) << url;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput) << url;
      EXPECT_EQ(r.error().field, "webhook_url") << url;
    }
  }
  for (const char* url : {"https://hooks.example.com/h", "https://hooks.example.com./h",
                          "https://93.184.216.34/h", "https://[2606:2800:220:1::1]/h",
                          "https://[2002:5db8:d822::1]/h", "https://local.example.com/h"}) {
    EXPECT_TRUE(CheckTargetUrl(url, strict)) << url;
  }
  // The operator's allowances open what they name, and nothing else.
  EXPECT_TRUE(CheckTargetUrl("https://localhost./h", {.allow_loopback = true}));
  EXPECT_TRUE(CheckTargetUrl("https://0x7f.1/h", {.allow_loopback = true}));
  EXPECT_FALSE(CheckTargetUrl("https://metadata.google.internal./", {.allow_loopback = true}));
  EXPECT_TRUE(CheckTargetUrl("https://intranet/", {.allow_private = true}));
  EXPECT_FALSE(CheckTargetUrl("https://0/", {true, true, true}));  // unspecified: never
  EXPECT_FALSE(CheckTargetUrl("http://hooks.example.com/", strict));
}

}  // namespace
}  // namespace aiprod
