// Mapping between job rows and model::Job (shared by every engine).
#pragma once

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

}  // namespace aiprod
