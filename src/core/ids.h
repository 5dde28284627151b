// Collision-safe identifiers: UUIDv7 (RFC 9562), time-ordered so that ids sort
// by creation time, with 74 random bits from the OS CSPRNG.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace aiprod {

class Clock;

std::string NewUuidV7(const Clock& clock);
// Same, from an explicit time and 10 random bytes (for tests).
std::string UuidV7From(int64_t unix_ms, const uint8_t random[10]);
bool IsUuid(std::string_view s);

// `n` bytes from the OS CSPRNG, hex-encoded (2n characters).
std::string RandomHex(size_t n);

}  // namespace aiprod
