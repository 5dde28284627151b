// Structured logs: one JSON object per line (machine-readable, the default when
// stderr is not a terminal) or a short human line on a terminal. A logger can
// carry context fields (job_id, stage) that every line repeats.
// Thread-safe: lines from different threads never interleave.
#pragma once

#include <cstdio>
#include <memory>
#include <mutex>
#include <string_view>

#include "core/json.h"

namespace aiprod {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
enum class LogFormat { kAuto, kJson, kText };

Result<LogLevel> ParseLogLevel(std::string_view s);
Result<LogFormat> ParseLogFormat(std::string_view s);

class Logger {
 public:
  // Writes to `out` (not owned; must outlive every copy of the logger).
  Logger(LogLevel min_level, LogFormat format, FILE* out = stderr);

  // A logger that adds `fields` to every line.
  Logger With(const Json& fields) const;

  void Log(LogLevel level, std::string_view message, const Json& fields = Json::object()) const;
  void Debug(std::string_view m, const Json& f = Json::object()) const {
    Log(LogLevel::kDebug, m, f);
  }
  void Info(std::string_view m, const Json& f = Json::object()) const {
    Log(LogLevel::kInfo, m, f);
  }
  void Warn(std::string_view m, const Json& f = Json::object()) const {
    Log(LogLevel::kWarn, m, f);
  }
  void Error(std::string_view m, const Json& f = Json::object()) const {
    Log(LogLevel::kError, m, f);
  }

  // Silences everything (tests).
  static Logger Null();

 private:
  struct Sink {
    FILE* out;
    bool json;
    std::mutex mu;
  };
  Logger(std::shared_ptr<Sink> sink, LogLevel min, Json context)
      : sink_(std::move(sink)), min_(min), context_(std::move(context)) {}
  std::shared_ptr<Sink> sink_;  // shared by a logger and its With() children
  LogLevel min_;
  Json context_;
};

}  // namespace aiprod
