#include "qa/video_qa.h"

#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "qa/audio_metrics.h"
#include "qa/captions.h"
#include "qa/frame_metrics.h"
#include "qa/media_scan.h"
#include "qa/ocr.h"
#include "qa/ocr_queue.h"
#include "qa/picture_checks.h"
#include "qa/technical_checks.h"

namespace aiprod {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double Round3(double v) { return std::isfinite(v) ? std::round(v * 1000) / 1000 : -1000; }

void AddCheck(QaReport& r, std::string name, Json value, Json threshold, bool passed,
              std::string detail = {}) {
  r.checks.push_back({std::move(name), std::move(value), std::move(threshold), passed,
                      passed ? std::string() : std::move(detail)});
}

void IntegrityCheck(const ScanIntegrity& in, QaReport& r) {
  QaCheck c{"file_integrity",
            {{"video_packets", in.video_packets},
             {"indexed_frames", in.indexed_video_frames},
             {"decode_errors", in.decode_errors},
             {"read_error", in.read_error}},
            {{"decode_errors", 0}, {"missing_frames", 0}},
            in.Intact(),
            {}};
  if (!c.passed) {
    c.transient = true;
    c.detail = in.first_error.empty()
                   ? "the file holds " + std::to_string(in.video_packets) + " of the " +
                         std::to_string(in.indexed_video_frames) + " frames its index lists"
                   : in.first_error;
  }
  r.checks.push_back(std::move(c));
}

void LoudnessChecks(const Result<AudioMeasures>& measured, int channels, const QaPlan& plan,
                    const QaSettings& s, QaReport& r) {
  if (!measured) return;  // no audio: the technical checks already failed
  const AudioMeasures& m = *measured;
  if (plan.loudness_target) {
    double target = *plan.loudness_target;
    AddCheck(r, "loudness_integrated", Round3(m.integrated_lufs),
             {{"target_lufs", target}, {"tolerance_lu", s.loudness_tolerance_lu}},
             std::abs(m.integrated_lufs - target) <= s.loudness_tolerance_lu,
             "integrated loudness is " + FormatNumber(Round3(m.integrated_lufs)) +
                 " LUFS, the target " + FormatNumber(target) + " LUFS");
    AddCheck(r, "true_peak", Round3(m.true_peak_dbtp), s.true_peak_dbtp,
             m.true_peak_dbtp <= s.true_peak_dbtp + 0.05,
             "true peak " + FormatNumber(Round3(m.true_peak_dbtp)) + " dBTP is above the ceiling");
  }
  if (plan.expect_sound) {
    AddCheck(r, "loudness_range", Round3(m.range_lu), s.max_loudness_range_lu,
             m.range_lu <= s.max_loudness_range_lu, "the level swings too much (LRA)");
  }
  double clipped = m.ClippedFraction(channels);
  AddCheck(r, "clipping", clipped, s.max_clipped_fraction, clipped <= s.max_clipped_fraction,
           std::to_string(m.clipped) + " samples at full scale");
}

}  // namespace

Result<QaReport> RunVideoQa(const VideoQaRequest& req, VideoQaTimings* timings) {
  const auto started = Clock::now();
  if (req.manifest == nullptr) return Invalid("manifest", "is required");
  const QaSettings& s = req.settings;
  const QaPlan plan = PlanQa(*req.manifest, req.width, req.height, s, req.markers, req.cues);
  const std::vector<double> times = plan.FrameTimes();

  const bool read_text = s.ocr && !plan.ocr_model.empty() && OcrModelInstalled(plan.ocr_model);
  std::map<double, const QaScene*> look_scene;  // look time -> scene (when it has text)
  std::set<double> palette_times;
  for (const auto& sp : plan.scenes) {
    if (read_text && !sp.texts.empty()) look_scene.emplace(sp.look_s, &sp);
    if (!sp.palette.empty()) palette_times.insert(sp.look_s);
  }
  PictureSamples samples;
  samples.resize(times.size());
  VideoQaTimings t;
  OcrQueue ocr(plan.ocr_model, s.ocr_max_cer);
  LoudnessMeter loudness;
  Status audio_status;

  ScanOptions options;
  options.frame_times = times;
  options.reference_frames_only = s.reference_frames_only;
  options.skip_unwatched = s.reference_frames_only;
  auto on_frame = [&](size_t i, double shown_s, const RgbImage& img) {
    PictureSample& p = samples[i];
    p.shown_s = shown_s;
    p.thumb = MakeThumb(img);
    p.dark_fraction = DarkFraction(img, s.black_luma);
    if (palette_times.contains(times[i])) p.colours = DominantColours(img);
    if (auto it = look_scene.find(times[i]); it != look_scene.end()) {
      ocr.Add(it->second->scene, ToGrey(img), it->second->texts, it->second->uneven_background);
    }
  };
  auto on_audio = [&](std::span<const float> chunk, int channels, int rate) {
    if (audio_status) audio_status = loudness.Add(chunk, channels, rate);
  };
  AIPROD_ASSIGN(MediaScan scan, ScanMedia(req.video_path, options, on_frame, on_audio));
  t.scan_s = Since(started);
  // The scenes' text was read while the scan went on; wait for the last.
  AIPROD_ASSIGN(auto ocr_read, ocr.Finish());
  t.ocr_s = ocr.busy_s();
  t.ocr_wait_s = Since(started) - t.scan_s;
  for (size_t i = 0; i < times.size(); ++i) samples.by_time.emplace(times[i], i);

  QaReport report;
  RunTechnicalChecks(scan.probe, plan.technical, report);
  IntegrityCheck(scan.integrity, report);
  if (scan.probe.audio) {
    Result<AudioMeasures> measured = Unexpected(audio_status ? Error{} : audio_status.error());
    if (audio_status) measured = loudness.Finish();
    LoudnessChecks(measured, scan.probe.audio->channels, plan, s, report);
  }
  if (scan.probe.video) {
    BlackFrameCheck(plan, samples, s, report);
    FrozenFrameCheck(plan, samples, s, report);
    PaletteCheck(plan, samples, s, report);
    if (read_text) {
      OcrChecks(plan, ocr_read, s, report);
    } else if (s.ocr) {
      QaCheck skipped{"ocr_text", nullptr, s.ocr_max_cer, true,
                      "skipped: no Tesseract model for '" + plan.lang + "'"};
      skipped.skipped = true;
      report.checks.push_back(std::move(skipped));
    }
  }
  if (!req.captions_path.empty()) {
    auto captions = ReadWebVtt(req.captions_path);
    if (!captions) {
      AddCheck(report, "captions_sync", nullptr, s.caption_tolerance_s, false,
               "captions unreadable: " + captions.error().ToString());
    } else {
      double duration = scan.probe.video ? scan.probe.video->duration_s : scan.probe.duration_s;
      CheckCaptions(*captions, plan, duration, s, report);
    }
  }
  t.total_s = Since(started);
  if (timings) *timings = t;
  return report;
}

}  // namespace aiprod
