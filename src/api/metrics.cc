#include "api/metrics.h"

#include <cstdio>

namespace aiprod::api {
namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

std::string PromLabel(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void Metrics::Histogram::Observe(double v) {
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (v <= kBuckets[i]) ++counts[i];
  }
  ++count;
  sum += v;
}

void Metrics::ObserveRequest(std::string_view route, std::string_view method, int status,
                             double seconds) {
  MutexLock lock(mu_);
  ++requests_[{std::string(route), std::string(method), status}];
  auto it = latency_.find(route);
  if (it == latency_.end()) it = latency_.emplace(std::string(route), Histogram{}).first;
  it->second.Observe(seconds);
}

void Metrics::ObserveStage(std::string_view stage, double seconds) {
  MutexLock lock(mu_);
  stages_[std::string(stage)].Observe(seconds);
}

std::string Metrics::Render() const {
  MutexLock lock(mu_);
  std::string out;
  out += "# HELP aiprod_http_requests_total HTTP requests by route template, method and status.\n";
  out += "# TYPE aiprod_http_requests_total counter\n";
  for (const auto& [k, n] : requests_) {
    const auto& [route, method, status] = k;
    out += "aiprod_http_requests_total{route=\"" + PromLabel(route) + "\",method=\"" +
           PromLabel(method) + "\",status=\"" + std::to_string(status) + "\"} " +
           std::to_string(n) + "\n";
  }
  auto histogram = [&](const char* name, const char* help, const char* label,
                       const std::map<std::string, Histogram, std::less<>>& m) {
    out += std::string("# HELP ") + name + " " + help + "\n";
    out += std::string("# TYPE ") + name + " histogram\n";
    for (const auto& [key, h] : m) {
      std::string l = std::string(label) + "=\"" + PromLabel(key) + "\"";
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        out += std::string(name) + "_bucket{" + l + ",le=\"" + Num(kBuckets[i]) + "\"} " +
               std::to_string(h.counts[i]) + "\n";
      }
      out += std::string(name) + "_bucket{" + l + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
      out += std::string(name) + "_sum{" + l + "} " + Num(h.sum) + "\n";
      out += std::string(name) + "_count{" + l + "} " + std::to_string(h.count) + "\n";
    }
  };
  histogram("aiprod_http_request_duration_seconds", "Request latency by route template.", "route",
            latency_);
  histogram("aiprod_stage_duration_seconds", "Stage run time in this process's worker.", "stage",
            stages_);
  return out;
}

}  // namespace aiprod::api
