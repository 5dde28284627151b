// The job-level QA report the qa stage writes (Job::qa_report, delivered as
// qa.json): the verdict over every rendition, and per rendition its check
// report (qa/report.h QaReport::ToJson, kept as JSON here: model does not
// depend on qa) with where it was measured. One JSON mapping.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"

namespace aiprod {

struct RenditionQa {
  std::string lang, aspect, video;
  double seconds = 0;  // time QA took
  bool passed = false;
  // {"passed", "score", "summary", "checks": [...]} of qa/report.h.
  Json report = Json::object();
};

struct JobQaReport {
  bool passed = false;
  double score = 0;     // mean of the renditions' scores, 0..1
  std::string summary;  // "<lang> <aspect>: <summary>\n" per rendition
  std::vector<RenditionQa> renditions;
};

// One rendition's entry: its check report with lang, aspect, video and
// seconds added.
Json RenditionQaToJson(const RenditionQa& r);
Json JobQaReportToJson(const JobQaReport& r);
// kInvalidInput naming the field on a malformed report.
Result<JobQaReport> JobQaReportFromJson(const Json& j);

}  // namespace aiprod
