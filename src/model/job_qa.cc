#include "model/job_qa.h"

#include <limits>

namespace aiprod {

Json RenditionQaToJson(const RenditionQa& r) {
  Json j = r.report.is_object() ? r.report : Json::object();
  j["passed"] = r.passed;
  j["lang"] = r.lang;
  j["aspect"] = r.aspect;
  j["video"] = r.video;
  j["seconds"] = r.seconds;
  return j;
}

Json JobQaReportToJson(const JobQaReport& r) {
  Json renditions = Json::array();
  for (const auto& x : r.renditions) renditions.push_back(RenditionQaToJson(x));
  return {
      {"passed", r.passed}, {"score", r.score}, {"summary", r.summary}, {"renditions", renditions}};
}

Result<JobQaReport> JobQaReportFromJson(const Json& j) {
  AIPROD_ASSIGN(auto r, ObjectReader::Open(j, "qa_report"));
  JobQaReport out;
  AIPROD_ASSIGN(out.passed, r.Bool("passed", false));
  AIPROD_ASSIGN(auto score, r.OptNumber("score", 0, 1));
  out.score = score.value_or(0);
  AIPROD_ASSIGN(auto summary, r.OptString("summary"));
  out.summary = summary.value_or("");
  const Json* list = r.Find("renditions");
  if (list && !list->is_array()) return Invalid(r.PathOf("renditions"), "must be an array");
  for (size_t i = 0; list && i < list->size(); ++i) {
    AIPROD_ASSIGN(auto x, ObjectReader::Open((*list)[i], ItemPath(r.PathOf("renditions"), i)));
    RenditionQa q;
    AIPROD_ASSIGN(q.lang, x.String("lang"));
    AIPROD_ASSIGN(q.aspect, x.String("aspect"));
    AIPROD_ASSIGN(auto video, x.OptString("video"));
    q.video = video.value_or("");
    AIPROD_ASSIGN(auto seconds, x.OptNumber("seconds", 0, std::numeric_limits<double>::max()));
    q.seconds = seconds.value_or(0);
    AIPROD_ASSIGN(q.passed, x.Bool("passed", false));
    q.report = (*list)[i];
    for (const char* key : {"lang", "aspect", "video", "seconds"}) q.report.erase(key);
    out.renditions.push_back(std::move(q));
  }
  return out;
}

}  // namespace aiprod
