// Who is calling: a principal with a role and the brands it may see.
// Roles are ordered: viewer < editor < admin. A principal sees and touches
// only jobs of its brands; {"*"} means every brand (and jobs without one).
#pragma once

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
  std::string key_id;  // API keys only: for rate limiting and last use

  bool AllBrands() const;
  // True if the principal may see jobs and kits of `brand` (empty: no brand).
  bool CanSeeBrand(std::string_view brand) const;
  bool Has(Role needed) const { return role >= needed; }
};

// Brand ids: 1-128 of [A-Za-z0-9_-] (as briefs require), or "*".
bool ValidBrandId(std::string_view s, bool allow_star = false);

}  // namespace aiprod::api
