// The service's metrics, declared in one place and rendered as Prometheus
// text: requests by route, method and status; request latency histograms by
// route; stage durations of the in-process worker. Gauges that come from the
// database (jobs by state, queue depth) are added at scrape time by the caller.
// Thread-safe.
#pragma once

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "core/thread_annotations.h"

namespace aiprod::api {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    5};

  void ObserveRequest(std::string_view route, std::string_view method, int status, double seconds);
  void ObserveStage(std::string_view stage, double seconds);
  // Prometheus text exposition (version 0.0.4) of everything observed.
  std::string Render() const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
    void Observe(double v);
  };
  mutable Mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_ GUARDED_BY(mu_);
  std::map<std::string, Histogram, std::less<>> latency_ GUARDED_BY(mu_);
  std::map<std::string, Histogram, std::less<>> stages_ GUARDED_BY(mu_);
};

// Escapes a Prometheus label value.
std::string PromLabel(std::string_view v);

}  // namespace aiprod::api
