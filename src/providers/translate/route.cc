#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "providers/translate/protect.h"
#include "providers/translate/translator.h"

namespace aiprod {

namespace {

using Graph = std::map<std::string, std::vector<std::string>>;

// Breadth-first from `from`: each reachable language and the one before it
// on a shortest route (ties broken by the pair order).
std::map<std::string, std::string> Reach(const Graph& next, const std::string& from) {
  std::map<std::string, std::string> came_from = {{from, ""}};
  std::deque<std::string> queue = {from};
  while (!queue.empty()) {
    std::string cur = queue.front();
    queue.pop_front();
    auto it = next.find(cur);
    if (it == next.end()) continue;
    for (const auto& n : it->second) {
      if (came_from.emplace(n, cur).second) queue.push_back(n);
    }
  }
  return came_from;
}

}  // namespace

Result<std::vector<std::string>> FindRoute(const std::vector<LangPair>& pairs,
                                           const std::string& from, const std::string& to) {
  if (from == to) return std::vector<std::string>{from};
  Graph next;
  std::set<std::string> langs;
  for (const auto& [a, b] : pairs) {
    next[a].push_back(b);
    langs.insert(a);
    langs.insert(b);
  }
  auto came_from = Reach(next, from);
  if (!came_from.contains(to)) {
    std::string supported;
    for (const auto& a : langs) {
      for (const auto& [b, prev] : Reach(next, a)) {
        if (b != a) supported += (supported.empty() ? "" : ", ") + a + "->" + b;
      }
    }
    return Invalid("target_langs",
                   "no translation route from '" + from + "' to '" + to +
                       "'; supported routes: " + (supported.empty() ? "none" : supported));
  }
  std::vector<std::string> route;
  for (std::string cur = to; !cur.empty(); cur = came_from[cur]) route.push_back(cur);
  std::reverse(route.begin(), route.end());
  return route;
}

Result<std::vector<std::string>> Translate(const Translator& t,
                                           const std::vector<std::string>& texts,
                                           const std::string& from, const std::string& to,
                                           const std::vector<std::string>& keep) {
  AIPROD_ASSIGN(auto route, FindRoute(t.DirectPairs(), from, to));
  ProtectedTexts p = ProtectTerms(texts, keep);
  std::vector<std::string> current = p.texts;
  for (size_t i = 0; i + 1 < route.size(); ++i) {
    AIPROD_ASSIGN(current, t.TranslateDirect(current, route[i], route[i + 1]));
    if (current.size() != texts.size()) {
      return Fail(ErrorCode::kUnavailable, "translation " + route[i] + "->" + route[i + 1] +
                                               " returned " + std::to_string(current.size()) +
                                               " lines for " + std::to_string(texts.size()));
    }
  }
  return RestoreTerms(current, p);
}

}  // namespace aiprod
