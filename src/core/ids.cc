#include "core/ids.h"

#include <openssl/rand.h>

#include <cstdlib>

#include "core/clock.h"

namespace aiprod {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void RandomBytes(uint8_t* out, size_t n) {
  // RAND_bytes only fails when the OS has no entropy source at all.
  if (RAND_bytes(out, static_cast<int>(n)) != 1) std::abort();
}

}  // namespace

std::string UuidV7From(int64_t unix_ms, const uint8_t random[10]) {
  uint8_t b[16];
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(unix_ms >> (8 * (5 - i)));
  b[6] = static_cast<uint8_t>(0x70 | (random[0] & 0x0f));  // version 7
  b[7] = random[1];
  b[8] = static_cast<uint8_t>(0x80 | (random[2] & 0x3f));  // variant 10
  for (int i = 9; i < 16; ++i) b[i] = random[i - 6];
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += kHex[b[i] >> 4];
    s += kHex[b[i] & 0xf];
  }
  return s;
}

std::string NewUuidV7(const Clock& clock) {
  uint8_t r[10];
  RandomBytes(r, sizeof r);
  return UuidV7From(clock.NowMs(), r);
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string RandomHex(size_t n) {
  std::string bytes(n, '\0');
  RandomBytes(reinterpret_cast<uint8_t*>(bytes.data()), n);
  std::string out;
  out.reserve(2 * n);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

}  // namespace aiprod
