// SHA-256 and HMAC-SHA256 (OpenSSL), hex-encoded.
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace aiprod {

std::string Sha256Hex(std::string_view data);
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// Incremental SHA-256 for hashing many pieces (files, settings) into one key.
class Sha256 {
 public:
  Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256& Update(std::string_view data);
  std::string HexDigest();  // finishes; the object is spent afterwards

 private:
  struct Free {
    void operator()(struct evp_md_ctx_st* ctx) const;
  };
  std::unique_ptr<struct evp_md_ctx_st, Free> ctx_;
};

}  // namespace aiprod
