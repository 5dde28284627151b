// Who is calling: a principal with a role and the brands it may see.
// Roles are ordered: viewer < editor < admin. A principal sees and touches
// only jobs of its brands; {"*"} means every brand (and jobs without one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aiprod::api {

enum class Role { kViewer = 0, kEditor = 1, kAdmin = 2 };

std::optional<Role> ParseRole(std::string_view s);
std::string_view RoleName(Role r);

struct Principal {
  std::string id;  // "key:<uuid>", "jwt:<sub>", "anonymous" (auth off)
  Role role = Role::kViewer;
  std::vector<std::string> brands;
  std::string key_id;        // API keys only: for rate limiting and last use
  int64_t expires_at_s = 0;  // when its credential ends (a JWT's exp); 0: not by itself

  bool AllBrands() const;
  // True if the principal may see jobs and kits of `brand` (empty: no brand).
  bool CanSeeBrand(std::string_view brand) const;
  bool Has(Role needed) const { return role >= needed; }
  // True if every brand of `brands` is one of the principal's (or it has
  // "*"). An empty list or one naming "*" is covered by "*" principals only.
  bool CoversBrands(const std::vector<std::string>& brands) const;
  // Why the principal may not grant `role` for `brands` (to an API key), or
  // nullopt if it may: only brands it holds, no role above its own, and "*"
  // only by a "*" principal. The one rule for the API and the CLI.
  std::optional<std::string> GrantRefusal(Role role, const std::vector<std::string>& brands) const;
  bool CanGrant(Role role, const std::vector<std::string>& brands) const {
    return !GrantRefusal(role, brands);
  }
};

// The brand a record about `brands` belongs to: the one brand, else "" (for
// several brands or "*"). Audit rows are tagged with it (AuditEntry::brand).
std::string SingleBrand(const std::vector<std::string>& brands);

// Brand ids: 1-128 of [A-Za-z0-9_-] (as briefs require), or "*".
bool ValidBrandId(std::string_view s, bool allow_star = false);

}  // namespace aiprod::api
