#include "qa/report.h"

namespace aiprod {

bool QaReport::Passed() const {
  for (const auto& c : checks) {
    if (!c.passed) return false;
  }
  return true;
}

bool QaReport::FailedTransiently() const {
  for (const auto& c : checks) {
    if (!c.passed && c.transient) return true;
  }
  return false;
}

double QaReport::Score() const {
  size_t ok = 0, measured = 0;
  for (const auto& c : checks) {
    if (c.skipped) continue;
    ++measured;
    ok += c.passed;
  }
  return measured > 0 ? static_cast<double>(ok) / static_cast<double>(measured) : 0;
}

Json QaReport::ToJson() const {
  Json arr = Json::array();
  for (const auto& c : checks) {
    Json j = {
        {"name", c.name}, {"value", c.value}, {"threshold", c.threshold}, {"passed", c.passed}};
    if (!c.detail.empty()) j["detail"] = c.detail;
    if (c.transient) j["transient"] = true;
    if (c.skipped) j["skipped"] = true;
    arr.push_back(j);
  }
  return {{"passed", Passed()}, {"score", Score()}, {"summary", Summary()}, {"checks", arr}};
}

std::string QaReport::Summary() const {
  size_t ok = 0, measured = 0, skipped = 0;
  std::string failures;
  for (const auto& c : checks) {
    if (c.skipped) {
      ++skipped;
      continue;
    }
    ++measured;
    if (c.passed) {
      ++ok;
    } else {
      failures += "\n- " + c.name + ": " + (c.detail.empty() ? c.value.dump() : c.detail);
    }
  }
  std::string s = std::to_string(ok) + "/" + std::to_string(measured) + " checks passed";
  if (skipped > 0) s += ", " + std::to_string(skipped) + " skipped";
  return s + failures;
}

}  // namespace aiprod
