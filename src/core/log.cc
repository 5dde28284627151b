#include "core/log.h"

#include <unistd.h>

#include "core/clock.h"

namespace aiprod {
namespace {

std::string_view LevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

Result<LogLevel> ParseLogLevel(std::string_view s) {
  for (auto l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (LevelName(l) == s) return l;
  }
  return Invalid("log.level", "must be one of debug, info, warn, error");
}

Result<LogFormat> ParseLogFormat(std::string_view s) {
  if (s == "auto") return LogFormat::kAuto;
  if (s == "json") return LogFormat::kJson;
  if (s == "text") return LogFormat::kText;
  return Invalid("log.format", "must be one of auto, json, text");
}

Logger::Logger(LogLevel min_level, LogFormat format, FILE* out)
    : min_(min_level), context_(Json::object()) {
  bool json =
      format == LogFormat::kJson || (format == LogFormat::kAuto && (!out || !isatty(fileno(out))));
  sink_ = std::make_shared<Sink>(out, json);
}

Logger Logger::Null() {
  return Logger(std::make_shared<Sink>(nullptr, true), LogLevel::kError, {});
}

Logger Logger::With(const Json& fields) const {
  Json merged = context_;
  merged.update(fields);
  return Logger(sink_, min_, std::move(merged));
}

void Logger::Log(LogLevel level, std::string_view message, const Json& fields) const {
  if (level < min_ || !sink_->out) return;
  std::string line;
  if (sink_->json) {
    Json j = Json::object();
    j["ts"] = FormatTimestamp(SystemClock().NowMs());
    j["level"] = LevelName(level);
    j["msg"] = message;
    j.update(context_);
    j.update(fields);
    line = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  } else {
    line = std::string(LevelName(level)) + ": " + std::string(message);
    Json extra = context_;
    extra.update(fields);
    for (const auto& [k, v] : extra.items()) {
      line += "  " + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
    }
  }
  line += '\n';
  std::lock_guard lock(sink_->mu);
  std::fwrite(line.data(), 1, line.size(), sink_->out);
  std::fflush(sink_->out);
}

}  // namespace aiprod
