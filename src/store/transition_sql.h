// The UPDATE that applies job transitions: fenced by the lease (or by the
// absence of a live one) and by the expected state, so that a refused
// transition changes nothing and returns no row (RETURNING id). Several
// transitions of the same shape become one statement on PostgreSQL (an
// UPDATE ... FROM (VALUES ...)): a completion batch is then planned and
// executed once instead of once per job.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "store/migrations.h"
#include "store/sql.h"
#include "store/store.h"

namespace aiprod {

struct TransitionWrite {
  const std::string* job_id;
  const Lease* lease;  // null: no live lease may hold the job
  const JobTransition* t;
  int64_t now_ms;
};

// The stored production manifest's "revision" (0 when absent) as an SQL
// expression over the jobs row.
std::string ManifestRevisionSql(SqlDialect dialect);

// The statements that apply `writes` (distinct jobs), each returning the id
// of every job it changed. SQLite: one statement per write.
std::vector<SqlStatement> TransitionUpdates(SqlDialect dialect,
                                            std::span<const TransitionWrite> writes);

}  // namespace aiprod
