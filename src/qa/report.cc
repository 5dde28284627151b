#include "qa/report.h"

namespace aiprod {

bool QaReport::Passed() const {
  for (const auto& c : checks) {
    if (!c.passed) return false;
  }
  return true;
}

double QaReport::Score() const {
  if (checks.empty()) return 0;
  size_t ok = 0;
  for (const auto& c : checks) ok += c.passed;
  return static_cast<double>(ok) / static_cast<double>(checks.size());
}

Json QaReport::ToJson() const {
  Json arr = Json::array();
  for (const auto& c : checks) {
    Json j = {
        {"name", c.name}, {"value", c.value}, {"threshold", c.threshold}, {"passed", c.passed}};
    if (!c.detail.empty()) j["detail"] = c.detail;
    arr.push_back(j);
  }
  return {{"passed", Passed()}, {"score", Score()}, {"summary", Summary()}, {"checks", arr}};
}

std::string QaReport::Summary() const {
  size_t ok = 0;
  std::string failures;
  for (const auto& c : checks) {
    if (c.passed) {
      ++ok;
    } else {
      failures += "\n- " + c.name + ": " + (c.detail.empty() ? c.value.dump() : c.detail);
    }
  }
  return std::to_string(ok) + "/" + std::to_string(checks.size()) + " checks passed" + failures;
}

}  // namespace aiprod
