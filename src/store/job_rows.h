// Mapping between job rows and model::Job (shared by every engine).
#pragma once

#include <span>
#include <string>

#include "model/job.h"
#include "store/sql.h"

namespace aiprod {

// The column list every job SELECT uses, in the order JobFromRow expects.
extern const char* const kJobColumns;

Result<Job> JobFromRow(const SqlRows& rows, size_t i);
JobEvent EventFromRow(const SqlRows& rows, size_t i);

// JSON to a column value: null stays NULL.
SqlValue JsonValue(const Json& j);
// A JSON column back: NULL (or a corrupt value) is null.
Json JsonColumn(const SqlRows& rows, size_t i, std::string_view col);

// A job_events row to insert.
struct EventRow {
  std::string job_id, type, from, to;
  Json data;
  int64_t at = 0;
};
// Inserts events (deferred: sent with the transaction's next statement) with
// as few statements as possible.
Status InsertEvents(SqlConnection& c, std::span<const EventRow> events);
Status InsertEvent(SqlConnection& c, const std::string& job_id, const std::string& type,
                   const std::string& from, const std::string& to, const Json& data,
                   int64_t now_ms);

}  // namespace aiprod
