#include "qa/probe.h"

#include <cmath>
#include <limits>

#include "qa/media_scan.h"

namespace aiprod {
namespace {

double Dbfs(double linear) {
  return linear > 0 ? 20 * std::log10(linear) : -std::numeric_limits<double>::infinity();
}

}  // namespace

double AudioProbe::RmsDbfsBetween(double from_s, double to_s) const {
  double sum = 0;
  size_t n = 0;
  for (size_t i = 0; i < window_rms_dbfs.size(); ++i) {
    double start = static_cast<double>(i) * window_s;
    if (start + 1e-9 < from_s || start + window_s > to_s + 1e-9) continue;
    double rms = std::isfinite(window_rms_dbfs[i]) ? std::pow(10.0, window_rms_dbfs[i] / 20) : 0;
    sum += rms * rms;
    ++n;
  }
  return n > 0 ? Dbfs(std::sqrt(sum / static_cast<double>(n)))
               : -std::numeric_limits<double>::infinity();
}

Result<MediaProbe> ProbeMedia(const std::string& path, const ProbeOptions& options) {
  ScanOptions scan_options;
  scan_options.rms_window_s = options.rms_window_s;
  AIPROD_ASSIGN(MediaScan scan, ScanMedia(path, scan_options));
  const ScanIntegrity& in = scan.integrity;
  if (in.decode_errors > 0 || in.read_error) {
    return Invalid("path", path + ": " + in.first_error);
  }
  return std::move(scan.probe);
}

Result<DecodedAudio> DecodeAudio(const std::string& path) {
  ScanOptions options;
  options.decode_video = false;
  DecodedAudio out;
  AIPROD_ASSIGN(MediaScan scan,
                ScanMedia(path, options, {}, [&](std::span<const float> s, int channels, int rate) {
                  out.channels = channels;
                  out.sample_rate = rate;
                  out.interleaved.insert(out.interleaved.end(), s.begin(), s.end());
                }));
  if (!scan.probe.audio) return Invalid("path", path + " has no audio stream");
  if (scan.integrity.decode_errors > 0 || scan.integrity.read_error) {
    return Invalid("path", path + ": " + scan.integrity.first_error);
  }
  out.sample_rate = scan.probe.audio->sample_rate;
  out.channels = scan.probe.audio->channels;
  return out;
}

}  // namespace aiprod
