// A signed head of the audit chain, kept by the operator outside the database
// (`aiprod audit anchor` prints it; `aiprod audit verify --anchor` checks the
// chain against it). The database alone cannot reveal rows cut off its tail,
// nor a chain rewritten whole; an anchor can, up to the row it names.
//
// One JSON line: {"seq":N,"hash":"<row N's hash>","at":"<RFC 3339>","mac":"<hex>"}
// with mac = HMAC-SHA256(audit_key, "aiprod-audit-anchor-v1\n" seq "\n" hash
// "\n" at): without audit_key an anchor can be neither made nor altered.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace aiprod {

struct AuditAnchor {
  int64_t seq = 0;
  std::string hash;  // the hash of row `seq`
  std::string at;    // when the anchor was made (RFC 3339 UTC)
  std::string mac;
};

AuditAnchor SignAnchor(std::string_view key, int64_t seq, std::string hash, std::string at);
bool AnchorSignatureValid(std::string_view key, const AuditAnchor& anchor);
// The JSON line (without a newline).
std::string AnchorText(const AuditAnchor& anchor);
// Parses an anchor line; errors name the field "anchor".
Result<AuditAnchor> ParseAnchor(std::string_view text);

}  // namespace aiprod
