#include "api/auth/principal.h"

#include <algorithm>

namespace aiprod::api {

std::optional<Role> ParseRole(std::string_view s) {
  if (s == "viewer") return Role::kViewer;
  if (s == "editor") return Role::kEditor;
  if (s == "admin") return Role::kAdmin;
  return std::nullopt;
}

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kViewer:
      return "viewer";
    case Role::kEditor:
      return "editor";
    case Role::kAdmin:
      return "admin";
  }
  return "viewer";
}

bool Principal::AllBrands() const {
  return std::find(brands.begin(), brands.end(), "*") != brands.end();
}

bool Principal::CanSeeBrand(std::string_view brand) const {
  if (AllBrands()) return true;
  if (brand.empty()) return false;
  return std::find(brands.begin(), brands.end(), brand) != brands.end();
}

bool Principal::CoversBrands(const std::vector<std::string>& list) const {
  if (AllBrands()) return true;
  if (list.empty()) return false;
  return std::all_of(list.begin(), list.end(),
                     [this](const std::string& b) { return b != "*" && CanSeeBrand(b); });
}

std::optional<std::string> Principal::GrantRefusal(Role wanted,
                                                   const std::vector<std::string>& list) const {
  if (wanted > role) {
    return "you may not grant a role above your own (" + std::string(RoleName(role)) + ")";
  }
  if (list.empty()) return std::string("name at least one brand");
  if (AllBrands()) return std::nullopt;
  for (const auto& b : list) {
    if (b == "*") return std::string("only a principal of every brand may grant \"*\"");
    if (!CanSeeBrand(b)) return "you may not grant brand " + b + ": it is not one of yours";
  }
  return std::nullopt;
}

std::string SingleBrand(const std::vector<std::string>& brands) {
  return brands.size() == 1 && brands[0] != "*" ? brands[0] : std::string();
}

bool ValidBrandId(std::string_view s, bool allow_star) {
  if (allow_star && s == "*") return true;
  if (s.empty() || s.size() > 128) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

}  // namespace aiprod::api
