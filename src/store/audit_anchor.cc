#include "store/audit_anchor.h"

#include "core/hash.h"
#include "core/json.h"

namespace aiprod {
namespace {

std::string Mac(std::string_view key, int64_t seq, const std::string& hash, const std::string& at) {
  return HmacSha256Hex(key,
                       "aiprod-audit-anchor-v1\n" + std::to_string(seq) + "\n" + hash + "\n" + at);
}

}  // namespace

AuditAnchor SignAnchor(std::string_view key, int64_t seq, std::string hash, std::string at) {
  AuditAnchor a{seq, std::move(hash), std::move(at), {}};
  a.mac = Mac(key, a.seq, a.hash, a.at);
  return a;
}

bool AnchorSignatureValid(std::string_view key, const AuditAnchor& a) {
  return !key.empty() && a.mac == Mac(key, a.seq, a.hash, a.at);
}

std::string AnchorText(const AuditAnchor& a) {
  return Json({{"seq", a.seq}, {"hash", a.hash}, {"at", a.at}, {"mac", a.mac}}).dump();
}

Result<AuditAnchor> ParseAnchor(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  AIPROD_ASSIGN(Json j, ParseJsonStrict(text, "anchor", 4));
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, "anchor"));
  AIPROD_TRY(r.OnlyKeys({"seq", "hash", "at", "mac"}));
  AuditAnchor a;
  AIPROD_ASSIGN(a.seq, r.Int("seq", 1, INT64_MAX));
  AIPROD_ASSIGN(a.hash, r.String("hash", 200));
  AIPROD_ASSIGN(a.at, r.String("at", 64));
  AIPROD_ASSIGN(a.mac, r.String("mac", 64));
  return a;
}

}  // namespace aiprod
