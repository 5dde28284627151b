#include "store/sql_store.h"

#include <algorithm>
#include <map>
#include <set>
#include <span>

#include "core/clock.h"
#include "model/manifest.h"
#include "store/job_rows.h"
#include "store/notifier.h"
#include "store/sql_repositories.h"

namespace aiprod {

Status SqlStore::NotifyRunnable(SqlConnection& c) {
  // Delivered at commit to every LISTENing worker (PostgreSQL only; SQLite
  // workers poll).
  if (pool_->dialect() != SqlDialect::kPostgres) return {};
  return c.Defer({std::string("SELECT pg_notify('") + kJobsChannel + "', '') AS n", {}});
}

Status SqlStore::Migrate() {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  return ApplyMigrations(*c, pool_->dialect(), SystemClock().NowMs());
}

Result<int> SqlStore::SchemaVersion() {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  return CurrentSchemaVersion(*c);
}

int SqlStore::LatestSchemaVersion() const {
  const auto& list = MigrationsFor(pool_->dialect());
  return list.empty() ? 0 : list.back().version;
}

Result<Job> SqlStore::LoadJob(SqlConnection& c, const std::string& id) {
  static const std::string sql = std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?";
  AIPROD_ASSIGN(auto rows, c.Query(sql, {id}));
  if (rows.empty()) return Fail(ErrorCode::kNotFound, "no job with id " + id);
  return JobFromRow(rows, 0);
}

SqlStore::SqlStore(std::shared_ptr<ConnectionPool> pool)
    : pool_(std::move(pool)),
      creations_([this](std::span<Creation* const> batch) { return CreateJobs(batch); }),
      claims_([this](std::span<ClaimItem* const> batch) { return ClaimJobs(batch); }),
      applications_([this](std::span<Application* const> batch) { return ApplyAll(batch); }) {}

Result<Job> SqlStore::CreateJob(const NewJob& nj) {
  Creation c{&nj, {}};
  AIPROD_TRY(creations_.Submit(c));
  return std::move(c.created);
}

Status SqlStore::CreateJobs(std::span<Creation* const> batch) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(*c));
  for (Creation* item : batch) {
    const NewJob& nj = *item->job;
    const Brief& b = nj.brief;
    SqlValue hint = std::monostate{};
    if (b.duration_hint_s) hint = *b.duration_hint_s;
    SqlValue brand = std::monostate{};
    if (!b.brand_id.empty()) brand = b.brand_id;
    SqlValue webhook = std::monostate{};
    if (!b.webhook_url.empty()) webhook = b.webhook_url;
    AIPROD_ASSIGN(
        auto rows,
        c->Query(std::string("INSERT INTO jobs (id, content, preset, state, priority, lang, "
                             "brand_id, target_langs, aspect_ratios, duration_hint_s, review, "
                             "draft, webhook_url, options, max_attempts, run_after, created_at, "
                             "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                             "?, ?) RETURNING ") +
                     kJobColumns,
                 {nj.id, b.content, b.preset, std::string(StateName(JobState::kQueued)),
                  int64_t{static_cast<int>(b.priority)}, b.lang, brand, Json(b.target_langs).dump(),
                  Json(b.aspect_ratios).dump(), hint, int64_t{b.review}, int64_t{b.draft}, webhook,
                  nj.options.dump(), int64_t{nj.max_attempts}, nj.now_ms, nj.now_ms, nj.now_ms}));
    if (rows.empty()) return Fail(ErrorCode::kInternal, "job " + nj.id + " was not inserted");
    AIPROD_ASSIGN(item->created, JobFromRow(rows, 0));
    AIPROD_TRY(InsertEvent(*c, nj.id, "created", "", "queued",
                           {{"preset", b.preset}, {"brand_id", b.brand_id}}, nj.now_ms));
  }
  AIPROD_TRY(NotifyRunnable(*c));
  return tx.Commit();
}

Result<Job> SqlStore::GetJob(const std::string& id) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  return LoadJob(*c, id);
}

Result<std::vector<Job>> SqlStore::ListJobs(const JobFilter& f) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  std::string sql = std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id > ?";
  std::vector<SqlValue> params = {f.after_id};
  if (f.state) {
    sql += " AND state = ?";
    params.emplace_back(std::string(StateName(*f.state)));
  }
  if (f.brand_id) {
    sql += " AND brand_id = ?";
    params.emplace_back(*f.brand_id);
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(int64_t{std::clamp(f.limit, 1, 1000)});
  AIPROD_ASSIGN(auto rows, c->Query(sql, params));
  std::vector<Job> jobs;
  for (size_t i = 0; i < rows.size(); ++i) {
    AIPROD_ASSIGN(Job job, JobFromRow(rows, i));
    jobs.push_back(std::move(job));
  }
  return jobs;
}

Result<std::vector<JobEvent>> SqlStore::ListEvents(const std::string& job_id) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto rows, c->Query("SELECT id, job_id, event_type, from_state, to_state, "
                                    "event_data, created_at FROM job_events WHERE job_id = ? "
                                    "ORDER BY id",
                                    {job_id}));
  std::vector<JobEvent> events;
  for (size_t i = 0; i < rows.size(); ++i) events.push_back(EventFromRow(rows, i));
  return events;
}

Result<std::optional<Json>> SqlStore::GetCheckpoint(const std::string& job_id,
                                                    const std::string& stage) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto rows, c->Query("SELECT output FROM checkpoints WHERE job_id = ? AND stage = ?",
                                    {job_id, stage}));
  if (rows.empty()) return std::optional<Json>();
  auto j = Json::parse(rows.Text(0, "output"), nullptr, false);
  if (j.is_discarded()) {
    return Fail(ErrorCode::kInternal, "checkpoint " + stage + " of job " + job_id + " is corrupt");
  }
  return std::optional<Json>(std::move(j));
}

Status SqlStore::CheckReview(SqlConnection& c, const std::string& job_id, const JobTransition& t,
                             Status* refusal) {
  AIPROD_ASSIGN(auto rows, c.Query("SELECT production_manifest, approved, run_after FROM jobs "
                                   "WHERE id = ?",
                                   {job_id}));
  *refusal = {};
  if (rows.empty()) return {};
  if (t.expect_unapproved && rows.Int(0, "approved") != 0) {
    *refusal = Fail(ErrorCode::kConflict, "job " + job_id + " is approved: edits are over");
    return {};
  }
  if (t.expect_unapproved && !rows.IsNull(0, "run_after")) {
    *refusal = Fail(ErrorCode::kConflict, "job " + job_id + " is not held for review yet");
    return {};
  }
  const int64_t revision = ManifestRevision(JsonColumn(rows, 0, "production_manifest"));
  if (t.expect_manifest_revision && revision != *t.expect_manifest_revision) {
    *refusal =
        Fail(ErrorCode::kConflict, "the manifest is at revision " + std::to_string(revision) +
                                       ", not " + std::to_string(*t.expect_manifest_revision));
  }
  return {};
}

Status SqlStore::Apply(const std::string& job_id, const Lease* lease, const JobTransition& t,
                       int64_t now_ms) {
  Application a{{&job_id, lease, &t, now_ms}, {}};
  AIPROD_TRY(applications_.Submit(a));
  return a.outcome;
}

Status SqlStore::ApplyAll(std::span<Application* const> batch) {
  // In job order (stable, so two steps of one job keep theirs): each
  // statement locks its jobs in that order. A batch of several shapes locks
  // shape by shape; should two batches ever wait on each other, PostgreSQL
  // aborts one (unavailable) and GroupCommit writes its items one by one.
  std::vector<Application*> ordered(batch.begin(), batch.end());
  std::stable_sort(ordered.begin(), ordered.end(), [](const Application* a, const Application* b) {
    return *a->job_id < *b->job_id;
  });
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(*c));
  bool notify = false;
  // Updates go out together (one round trip on PostgreSQL) until one must
  // see an earlier one's outcome: a second step of the same job. Revision
  // and review checks are conditions of the UPDATE itself.
  std::vector<Application*> group;
  std::vector<TransitionWrite> writes;
  auto send = [&]() -> Status {
    if (group.empty()) return {};
    AIPROD_ASSIGN(auto results, c->QueryAll(TransitionUpdates(pool_->dialect(), writes)));
    std::set<std::string> changed;
    for (const SqlRows& rows : results) {
      for (size_t i = 0; i < rows.size(); ++i) changed.insert(rows.Text(i, "id"));
    }
    for (Application* a : group) {
      AIPROD_TRY(FinishApply(*c, *a, changed.contains(*a->job_id), &notify));
    }
    group.clear();
    writes.clear();
    return {};
  };
  for (Application* a : ordered) {
    a->outcome = {};
    const bool repeat = !group.empty() && *group.back()->job_id == *a->job_id;  // sorted by job
    if (repeat) AIPROD_TRY(send());
    group.push_back(a);
    writes.push_back(*a);
  }
  AIPROD_TRY(send());
  std::vector<EventRow> events;
  std::vector<std::pair<std::string, int64_t>> ended, lost;
  for (Application* a : ordered) {
    if (!a->outcome) {
      if (a->lease && a->outcome.error().code == ErrorCode::kLeaseLost) {
        lost.emplace_back(*a->job_id, a->lease->epoch);
      }
      continue;
    }
    const JobTransition& t = *a->t;
    if (t.release_lease && a->lease) ended.emplace_back(*a->job_id, a->lease->epoch);
    events.push_back({*a->job_id, t.event_type, std::string(StateName(t.from)),
                      std::string(StateName(t.to)), t.event_data, a->now_ms});
  }
  AIPROD_TRY(InsertEvents(*c, events));
  AIPROD_TRY(load_.NoteEnded(*c, ended));
  if (notify) AIPROD_TRY(NotifyRunnable(*c));
  AIPROD_TRY(tx.Commit());
  load_.Forget(ended);
  // Best effort, like the refusal the caller gets anyway.
  for (const auto& [job_id, epoch] : lost) (void)load_.GiveUp(*c, job_id, epoch);
  return {};
}

Status SqlStore::Diagnose(SqlConnection& c, Application& a) {
  const JobTransition& t = *a.t;
  std::string state;
  AIPROD_TRY(CheckFence(c, *a.job_id, a.lease, a.now_ms, &state, &a.outcome));
  if (!a.outcome) return {};
  if (state != StateName(t.from)) {
    a.outcome = Fail(ErrorCode::kConflict, "job " + *a.job_id + " is " + state + ", not " +
                                               std::string(StateName(t.from)));
    return {};
  }
  if (t.expect_manifest_revision || t.expect_unapproved) {
    AIPROD_TRY(CheckReview(c, *a.job_id, t, &a.outcome));
  }
  return {};
}

Status SqlStore::FinishApply(SqlConnection& c, Application& a, bool changed, bool* notify) {
  const JobTransition& t = *a.t;
  if (!changed) {
    AIPROD_TRY(Diagnose(c, a));
    if (a.outcome)
      a.outcome = Fail(ErrorCode::kConflict, "job " + *a.job_id + " changed; try again");
    return {};
  }
  if (t.checkpoint_stage) {
    AIPROD_TRY(
        c.Defer({"INSERT INTO checkpoints (job_id, stage, output, lease_epoch, created_at) "
                 "VALUES (?, ?, ?, ?, ?) ON CONFLICT (job_id, stage) DO UPDATE SET "
                 "output = excluded.output, lease_epoch = excluded.lease_epoch, "
                 "created_at = excluded.created_at",
                 {*a.job_id, *t.checkpoint_stage, t.checkpoint.dump(),
                  int64_t{a.lease ? a.lease->epoch : 0}, a.now_ms}}));
  }
  for (const NewWebhookDelivery& d : t.webhooks) AIPROD_TRY(InsertWebhookDelivery(c, d, a.now_ms));
  if (t.run_after_ms && (t.release_lease || !a.lease)) *notify = true;
  return {};
}

Status SqlStore::AppendEvent(const std::string& job_id, const Lease* lease, const std::string& type,
                             const Json& data, int64_t now_ms) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(*c));
  if (lease) {
    std::string state;
    Status refusal;
    AIPROD_TRY(CheckFence(*c, job_id, lease, now_ms, &state, &refusal));
    AIPROD_TRY(refusal);
  } else {
    // Events have no foreign key (migration 5): every writer checks its job.
    AIPROD_ASSIGN(auto rows, c->Query("SELECT 1 AS x FROM jobs WHERE id = ?", {job_id}));
    if (rows.empty()) return Fail(ErrorCode::kNotFound, "no job with id " + job_id);
  }
  AIPROD_TRY(InsertEvent(*c, job_id, type, "", "", data, now_ms));
  return tx.Commit();
}

Result<JobState> SqlStore::RequestCancel(const std::string& job_id, const std::string& by,
                                         int64_t now_ms) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(*c));
  AIPROD_ASSIGN(Job job, LoadJob(*c, job_id));
  if (IsTerminal(job.state)) {
    return Fail(ErrorCode::kConflict, "job " + job_id + " is " + std::string(StateName(job.state)) +
                                          "; nothing to cancel");
  }
  bool leased = !job.lease_owner.empty() && job.lease_expires_ms > now_ms;
  if (leased) {
    AIPROD_TRY(c->Exec("UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ?",
                       {now_ms, job_id}));
    AIPROD_TRY(InsertEvent(*c, job_id, "cancel_requested", "", "", {{"by", by}}, now_ms));
    AIPROD_TRY(tx.Commit());
    return job.state;
  }
  AIPROD_TRY(
      c->Exec("UPDATE jobs SET state = ?, run_after = NULL, cancel_requested = 0, "
              "lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?",
              {std::string(StateName(JobState::kCancelled)), now_ms, job_id}));
  AIPROD_TRY(InsertEvent(*c, job_id, "state_changed", std::string(StateName(job.state)),
                         "cancelled", {{"by", by}}, now_ms));
  AIPROD_TRY(tx.Commit());
  return JobState::kCancelled;
}

Result<JobState> SqlStore::Retry(const std::string& job_id, const std::string& by, int64_t now_ms) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(*c));
  AIPROD_ASSIGN(Job job, LoadJob(*c, job_id));
  if (!IsRetryable(job.state)) {
    return Fail(ErrorCode::kConflict, "job " + job_id + " is " + std::string(StateName(job.state)) +
                                          "; only failed, qa_failed or dead jobs can be retried");
  }
  // The stage it stopped in is the from_state of the event that ended it.
  AIPROD_ASSIGN(auto rows, c->Query("SELECT from_state FROM job_events WHERE job_id = ? AND "
                                    "to_state = ? ORDER BY id DESC LIMIT 1",
                                    {job_id, std::string(StateName(job.state))}));
  std::string resume_state = rows.empty() ? "queued" : rows.Text(0, "from_state", "queued");
  if (job.state == JobState::kQaFailed) resume_state = std::string(StateName(JobState::kRendering));
  AIPROD_TRY(
      c->Exec("UPDATE jobs SET state = ?, run_after = ?, attempts = 0, error = NULL, "
              "updated_at = ? WHERE id = ?",
              {resume_state, now_ms, now_ms, job_id}));
  AIPROD_TRY(InsertEvent(*c, job_id, "state_changed", std::string(StateName(job.state)),
                         resume_state, {{"by", by}, {"reason", "retry"}}, now_ms));
  AIPROD_TRY(NotifyRunnable(*c));
  AIPROD_TRY(tx.Commit());
  return *StateFromName(resume_state);
}

}  // namespace aiprod
