#include "qa/captions.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/files.h"
#include "qa/text_match.h"

namespace aiprod {
namespace {

constexpr double kMaxCaptionCer = 0.1;

double Round3(double v) { return std::isfinite(v) ? std::round(v * 1000) / 1000 : -1000; }

// "[hh:]mm:ss.ttt" -> seconds; false when malformed.
bool ParseTimestamp(std::string_view s, double& out) {
  int h = 0, m = 0, sec = 0, ms = 0;
  char tail = 0;
  std::string str(s);
  int n = std::sscanf(str.c_str(), "%d:%d:%d.%3d%c", &h, &m, &sec, &ms, &tail);
  if (n != 4) {
    h = 0;
    n = std::sscanf(str.c_str(), "%d:%d.%3d%c", &m, &sec, &ms, &tail);
    if (n != 3) return false;
  }
  if (h < 0 || m < 0 || m > 59 || sec < 0 || sec > 59 || ms < 0) return false;
  out = h * 3600.0 + m * 60.0 + sec + ms / 1000.0;
  return true;
}

std::string StripTags(std::string_view line) {
  std::string out;
  bool in_tag = false;
  for (char c : line) {
    if (c == '<') in_tag = true;
    if (!in_tag) out += c;
    if (c == '>') in_tag = false;
  }
  return out;
}

// WebVTT character references the renderer writes (and a few common ones).
std::string Unescape(const std::string& s) {
  static const std::pair<std::string_view, std::string_view> kRefs[] = {
      {"&amp;", "&"},   {"&lt;", "<"},   {"&gt;", ">"}, {"&nbsp;", "\u00a0"},
      {"&quot;", "\""}, {"&apos;", "'"}, {"&lrm;", ""}, {"&rlm;", ""}};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    bool matched = false;
    if (s[i] == '&') {
      for (const auto& [ref, text] : kRefs) {
        if (s.compare(i, ref.size(), ref) == 0) {
          out += text;
          i += ref.size();
          matched = true;
          break;
        }
      }
    }
    if (!matched) out += s[i++];
  }
  return out;
}

std::string Trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r"), b = s.find_last_not_of(" \t\r");
  return a == std::string_view::npos ? std::string() : std::string(s.substr(a, b - a + 1));
}

}  // namespace

Result<std::vector<VttCue>> ParseWebVtt(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(pos, end - pos));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    pos = end + 1;
  }
  if (lines.empty() || !lines[0].starts_with("WEBVTT") ||
      (lines[0].size() > 6 && lines[0][6] != ' ' && lines[0][6] != '\t')) {
    return Invalid("captions", "line 1: not WebVTT (no WEBVTT signature)");
  }
  std::vector<VttCue> cues;
  size_t i = 1;
  while (i < lines.size() && !lines[i].empty()) ++i;  // header
  while (i < lines.size()) {
    if (Trim(lines[i]).empty()) {
      ++i;
      continue;
    }
    // A block: NOTE/STYLE/REGION, or an optional identifier then the timing line.
    size_t block = i;
    if (lines[i].starts_with("NOTE") || lines[i].starts_with("STYLE") ||
        lines[i].starts_with("REGION")) {
      while (i < lines.size() && !lines[i].empty()) ++i;
      continue;
    }
    if (lines[i].find("-->") == std::string::npos) ++i;  // identifier
    if (i >= lines.size() || lines[i].find("-->") == std::string::npos) {
      return Invalid("captions", "line " + std::to_string(block + 1) + ": expected a cue timing");
    }
    const std::string& timing = lines[i];
    size_t arrow = timing.find("-->");
    std::string from = Trim(timing.substr(0, arrow));
    std::string rest = Trim(timing.substr(arrow + 3));
    std::string to = rest.substr(0, rest.find_first_of(" \t"));
    VttCue cue;
    if (!ParseTimestamp(from, cue.start_s) || !ParseTimestamp(to, cue.end_s) ||
        cue.end_s < cue.start_s) {
      return Invalid("captions",
                     "line " + std::to_string(i + 1) + ": bad cue timing '" + timing + "'");
    }
    ++i;
    while (i < lines.size() && !lines[i].empty()) {
      if (!cue.text.empty()) cue.text += '\n';
      cue.text += Unescape(StripTags(lines[i]));
      ++i;
    }
    cues.push_back(std::move(cue));
  }
  return cues;
}

Result<std::vector<VttCue>> ReadWebVtt(const std::string& path) {
  AIPROD_ASSIGN(std::string text, ReadFile(path, 8 << 20));
  return ParseWebVtt(text);
}

void CheckCaptions(const std::vector<VttCue>& captions, const QaPlan& plan, double video_duration_s,
                   const QaSettings& settings, QaReport& report) {
  const double tol = settings.caption_tolerance_s;
  double worst_offset = 0, worst_cer = 0;
  std::string problems;
  auto note = [&](const std::string& p) { problems += (problems.empty() ? "" : "; ") + p; };
  // Each caption belongs to the narration that starts nearest before it
  // (narrations may overlap: a long one still speaking when the next starts).
  std::vector<std::vector<const VttCue*>> owned(plan.narration.size());
  for (const auto& c : captions) {
    size_t best = plan.narration.size();
    for (size_t k = 0; k < plan.narration.size(); ++k) {
      if (plan.narration[k].start_s > c.start_s + tol) continue;
      if (best == plan.narration.size() ||
          plan.narration[k].start_s > plan.narration[best].start_s) {
        best = k;
      }
    }
    if (best < owned.size()) owned[best].push_back(&c);
  }
  for (size_t k = 0; k < plan.narration.size(); ++k) {
    const QaNarration& n = plan.narration[k];
    const std::vector<const VttCue*>& mine = owned[k];
    std::string scene = "scene " + std::to_string(n.scene);
    if (mine.empty()) {
      note(scene + ": no caption while its narration plays");
      worst_offset = std::max(worst_offset, 1e9);
      continue;
    }
    double start_off = std::abs(mine.front()->start_s - n.start_s);
    worst_offset = std::max(worst_offset, start_off);
    if (start_off > tol) {
      note(scene + ": captions start " + std::to_string(Round3(start_off)) +
           " s from the narration");
    }
    if (n.end_known) {
      double end_off = std::abs(mine.back()->end_s - n.end_s);
      worst_offset = std::max(worst_offset, end_off);
      if (end_off > tol) {
        note(scene + ": captions end " + std::to_string(Round3(end_off)) + " s from the narration");
      }
    }
    std::string said;
    for (const auto* c : mine) said += c->text + " ";
    double cer = CharacterErrorRate({n.text}, said);
    worst_cer = std::max(worst_cer, cer);
    if (cer > kMaxCaptionCer) note(scene + ": captions do not transcribe the narration");
  }
  for (const auto& c : captions) {
    if (c.end_s > video_duration_s + tol) {
      note("a caption ends at " + std::to_string(Round3(c.end_s)) + " s, after the video");
      break;
    }
  }
  const bool ok = problems.empty();
  report.checks.push_back(
      {"captions_sync",
       {{"cues", captions.size()},
        {"max_offset_s", worst_offset >= 1e9 ? Json(nullptr) : Json(Round3(worst_offset))},
        {"max_cer", Round3(worst_cer)}},
       {{"max_offset_s", tol}, {"max_cer", kMaxCaptionCer}},
       ok,
       ok ? std::string() : problems});
}

}  // namespace aiprod
