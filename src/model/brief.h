// A brief: what a client asks for (the original plan's PipelineRequest plus
// target languages, aspect ratios, a duration hint and delivery options).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "core/json_writer.h"

namespace aiprod {

enum class Priority { kLow = 0, kNormal = 1, kHigh = 2 };
std::string_view PriorityName(Priority p);

struct BriefLimits {
  size_t max_content_chars = 10'000;  // Unicode code points
  size_t max_target_langs = 8;
  double max_duration_s = 600;
};

struct Brief {
  std::string content;
  std::string preset = "social_ad";
  Priority priority = Priority::kNormal;
  std::string lang = "en";
  std::vector<std::string> target_langs;   // default: {lang}
  std::vector<std::string> aspect_ratios;  // default: {"16:9"}
  std::string brand_id;                    // empty: the default brand kit
  std::optional<double> duration_hint_s;
  bool review = false;  // stop at awaiting_approval for a human
  bool draft = false;   // half-size, fastest-preset renders (previews, tests)
  std::string webhook_url;
};

const std::vector<std::string>& KnownPresets();
const std::vector<std::string>& KnownAspectRatios();

// Validates everything a client sent; errors name the field.
Result<Brief> BriefFromJson(const Json& j, const BriefLimits& limits);
// Writes the brief's members into an open JSON object (the job's views).
void WriteBriefMembers(JsonWriter& w, const Brief& b);

// Number of Unicode code points in valid UTF-8 (invalid input counts bytes).
size_t Utf8Length(std::string_view s);
bool IsValidUtf8(std::string_view s);
// Cuts valid UTF-8 to at most `max_chars` code points (audit rows, summaries).
std::string CutUtf8(std::string_view s, size_t max_chars);

}  // namespace aiprod
