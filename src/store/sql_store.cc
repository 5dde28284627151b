#include "store/sql_store.h"

#include <algorithm>
#include <map>
#include <set>
#include <span>

#include "core/clock.h"
#include "model/manifest.h"
#include "store/job_rows.h"
#include "store/notifier.h"

namespace aiprod {
namespace {

struct EventRow {
  std::string job_id, type, from, to;
  Json data;
  int64_t at = 0;
};

// Inserts events with as few statements as possible: up to kRowsPerInsert
// rows each, so a batch's events cost one round trip, and the prepared
// statements stay few (one per row count).
constexpr size_t kRowsPerInsert = 32;

Status InsertEvents(SqlConnection& c, std::span<const EventRow> events) {
  auto text = [](const std::string& s) -> SqlValue {
    if (s.empty()) return std::monostate{};
    return s;
  };
  for (size_t start = 0; start < events.size(); start += kRowsPerInsert) {
    auto chunk = events.subspan(start, std::min(kRowsPerInsert, events.size() - start));
    std::string sql =
        "INSERT INTO job_events (job_id, event_type, from_state, to_state, event_data, "
        "created_at) VALUES ";
    std::vector<SqlValue> params;
    params.reserve(chunk.size() * 6);
    for (const EventRow& e : chunk) {
      sql += params.empty() ? "(?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?)";
      params.insert(params.end(),
                    {e.job_id, e.type, text(e.from), text(e.to), JsonValue(e.data), e.at});
    }
    AIPROD_TRY(c.Defer({std::move(sql), std::move(params)}));
  }
  return {};
}

Status InsertEvent(SqlConnection& c, const std::string& job_id, const std::string& type,
                   const std::string& from, const std::string& to, const Json& data,
                   int64_t now_ms) {
  EventRow row{job_id, type, from, to, data, now_ms};
  return InsertEvents(c, std::span(&row, 1));
}

}  // namespace

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

namespace {

constexpr int kClaimCandidates = 8;

// A claim batch's candidates, scored once: priority plus aging is fixed for
// the batch; only the running count of the brand changes as jobs are picked
// (a batch with jobs leased ahead picks hundreds).
struct Candidate {
  size_t row;
  double base;       // priority + levels gained by waiting
  int64_t* running;  // jobs of its brand running, this batch's picks included
  bool taken = false;
};

// The candidate to claim among those not yet taken: highest priority after
// aging and brand fairness; ties go to the job that has waited longest (the
// candidates come in that order). candidates.size() when none is left.
size_t PickCandidate(const std::vector<Candidate>& candidates, double brand_weight) {
  size_t best = candidates.size();
  double best_score = -1e300;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Candidate& c = candidates[i];
    if (c.taken) continue;
    double score = c.base - brand_weight * static_cast<double>(*c.running);
    if (best == candidates.size() || score > best_score + 1e-9) {
      best = i;
      best_score = score;
    }
  }
  return best;
}

}  // namespace

Result<std::optional<Lease>> SqlStore::Claim(const ClaimRequest& r) {
  if (!r.job_id && r.prefetch > 0) {
    if (auto ahead = TakePrefetched(r)) return ahead;
  }
  ClaimItem item{&r, std::nullopt};
  if (r.job_id) {
    ClaimItem* one = &item;  // a named job cannot share the others' candidate scan
    AIPROD_TRY(ClaimJobs(std::span(&one, 1)));
  } else {
    AIPROD_TRY(claims_.Submit(item));
  }
  return std::move(item.lease);
}

std::optional<Lease> SqlStore::TakePrefetched(const ClaimRequest& r) {
  std::vector<Lease> stale;
  std::optional<Lease> taken;
  {
    MutexLock lock(prefetched_mu_);
    while (!prefetched_.empty() && !taken) {
      if (prefetched_.front().expires_ms - r.now_ms >= r.ttl_ms / 2) {
        taken = std::move(prefetched_.front());
      } else {
        stale.push_back(std::move(prefetched_.front()));
      }
      prefetched_.pop_front();
    }
  }
  // Best effort: a lease that cannot be given back (the database is away)
  // expires, and the claim that follows reports the failure.
  for (const Lease& l : stale) (void)Release(l, r.now_ms);
  return taken;
}

Status SqlStore::ReleasePrefetched(int64_t now_ms) {
  std::deque<Lease> ahead;
  {
    MutexLock lock(prefetched_mu_);
    ahead.swap(prefetched_);
  }
  Status first;  // every lease is tried; the first failure is reported
  for (const Lease& l : ahead) {
    if (Status st = Release(l, now_ms); !st && first) first = st;
  }
  return first;
}

Status SqlStore::ClaimJobs(std::span<ClaimItem* const> batch) {
  // The batch is scheduled with the first request's policy (one worker
  // configuration per process) at the latest of their clocks.
  int64_t now_ms = 0;
  for (ClaimItem* item : batch) {
    item->lease.reset();
    now_ms = std::max(now_ms, item->request->now_ms);
  }
  const ClaimRequest& policy = *batch.front()->request;
  // Jobs to lease ahead besides one per claimer: tops the local queue up.
  size_t ahead = 0;
  if (policy.prefetch > 0 && !policy.job_id) {
    MutexLock lock(prefetched_mu_);
    ahead = static_cast<size_t>(policy.prefetch) -
            std::min(prefetched_.size(), static_cast<size_t>(policy.prefetch));
  }
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(*c));
  // Candidates: the most urgent few and the longest-waiting few (both come
  // from indexes); PostgreSQL locks them, skipping rows other claimers hold.
  const bool pg = pool_->dialect() == SqlDialect::kPostgres;
  std::string base =
      "SELECT id, brand_id, priority, run_after, lease_owner FROM jobs WHERE run_after IS NOT "
      "NULL AND run_after <= ? AND (lease_owner IS NULL OR lease_expires_at <= ?)";
  std::vector<SqlValue> params = {now_ms, now_ms};
  if (policy.job_id) {
    base += " AND id = ?";
    params.emplace_back(*policy.job_id);
  }
  // Every claimer gets one of the most urgent; the few oldest are there for
  // aging. Few spare rows, as each locked row is a write other claimers skip.
  auto tail = [&](size_t limit) {
    return " LIMIT " + std::to_string(limit) + (pg ? " FOR UPDATE SKIP LOCKED" : "");
  };
  // The candidates, the oldest and the running jobs per brand are read in
  // one round trip.
  std::vector<SqlStatement> reads = {
      {base + " ORDER BY priority DESC, run_after, id" +
           tail(kClaimCandidates + batch.size() + ahead - 1),
       params},
      {base + " ORDER BY run_after, id" + tail(kClaimCandidates), params}};
  if (policy.brand_weight > 0) {
    reads.push_back(BrandLoad::Read(now_ms));
  }
  AIPROD_ASSIGN(auto found, c->QueryAll(reads));
  SqlRows& rows = found[0];
  if (rows.empty()) return {};
  const SqlRows& oldest = found[1];
  std::set<std::string> seen;
  for (size_t i = 0; i < rows.size(); ++i) seen.insert(rows.Text(i, "id"));
  for (size_t i = 0; i < oldest.size(); ++i) {
    if (!seen.contains(oldest.Text(i, "id"))) rows.rows.push_back(oldest.rows[i]);
  }
  std::map<std::string, int64_t> running;  // node-based: Candidate points into it
  if (found.size() > 2) {
    const SqlRows& busy = found[2];
    for (size_t i = 0; i < busy.size(); ++i) {
      running[busy.Text(i, "brand_id")] += std::max<int64_t>(0, busy.Int(i, "n"));
    }
  }
  std::vector<Candidate> candidates;
  candidates.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const double waited = static_cast<double>(now_ms - rows.Int(i, "run_after"));
    candidates.push_back(
        {i,
         static_cast<double>(rows.Int(i, "priority")) +
             (policy.aging_ms > 0 ? waited / static_cast<double>(policy.aging_ms) : 0.0),
         &running[rows.Text(i, "brand_id")]});
  }
  // Picks one job per claimer, then claims them all with one UPDATE: each
  // row gets its claimer as owner and a new epoch; a row whose previous lease
  // expired counts an attempt.
  // Jobs leased ahead have no claimer (item null) and the policy's owner.
  struct Pick {
    ClaimItem* item;
    std::string job_id, previous_owner, brand_id;
  };
  auto owner = [&](const Pick& p) -> const std::string& {
    return p.item ? p.item->request->owner : policy.owner;
  };
  std::vector<Pick> picks;
  for (size_t n = 0; n < batch.size() + ahead; ++n) {
    size_t pick = PickCandidate(candidates, policy.brand_weight);
    if (pick == candidates.size()) break;
    Candidate& c = candidates[pick];
    c.taken = true;
    ++*c.running;  // the next pick in this batch sees it running
    picks.push_back({n < batch.size() ? batch[n] : nullptr, rows.Text(c.row, "id"),
                     rows.Text(c.row, "lease_owner"), rows.Text(c.row, "brand_id")});
  }
  const int64_t expires_ms = now_ms + policy.ttl_ms;  // one lease length per batch
  std::string owner_case = "CASE id";
  std::string ids;
  params.clear();
  for (const Pick& p : picks) {
    owner_case += " WHEN ? THEN ?";
    params.insert(params.end(), {p.job_id, owner(p)});
  }
  params.insert(params.end(), {expires_ms, now_ms});
  for (const Pick& p : picks) {
    ids += ids.empty() ? "?" : ", ?";
    params.emplace_back(p.job_id);
  }
  AIPROD_ASSIGN(auto claimed,
                c->Query("UPDATE jobs SET lease_owner = " + owner_case +
                             " END, lease_expires_at = ?, lease_epoch = lease_epoch + 1, "
                             "attempts = attempts + CASE WHEN lease_owner IS NULL THEN 0 ELSE 1 "
                             "END, updated_at = ? WHERE id IN (" +
                             ids + ") RETURNING id, lease_epoch",
                         params));
  std::map<std::string, int64_t> epochs;
  for (size_t i = 0; i < claimed.size(); ++i) {
    epochs[claimed.Text(i, "id")] = claimed.Int(i, "lease_epoch");
  }
  std::vector<EventRow> events;
  std::vector<Lease> leased_ahead;
  std::vector<BrandLoad::Held> held;
  for (Pick& p : picks) {
    Lease lease;
    lease.job_id = p.job_id;
    lease.owner = owner(p);
    lease.expires_ms = expires_ms;
    auto epoch = epochs.find(lease.job_id);
    if (epoch == epochs.end()) return Fail(ErrorCode::kInternal, "claimed job vanished");
    lease.epoch = epoch->second;
    held.push_back({lease.job_id, lease.epoch, std::move(p.brand_id), expires_ms});
    Json data = {{"owner", lease.owner}, {"epoch", lease.epoch}};
    if (!p.previous_owner.empty()) data["expired_owner"] = p.previous_owner;
    events.push_back({std::move(p.job_id),
                      p.previous_owner.empty() ? "claimed" : "lease_taken_over", "", "",
                      std::move(data), now_ms});
    if (p.item) {
      p.item->lease = std::move(lease);
    } else {
      leased_ahead.push_back(std::move(lease));
    }
  }
  AIPROD_TRY(InsertEvents(*c, events));
  const auto expired = load_.Expired(now_ms);
  AIPROD_TRY(load_.NoteEnded(*c, expired));
  AIPROD_TRY(load_.NoteTaken(*c, held, expires_ms));
  AIPROD_TRY(load_.Prune(*c, now_ms));
  AIPROD_TRY(tx.Commit());  // on failure the callers get the error, not the leases
  load_.Forget(expired);
  load_.Hold(held);
  MutexLock lock(prefetched_mu_);
  for (Lease& l : leased_ahead) prefetched_.push_back(std::move(l));
  return {};
}

Status SqlStore::CheckFence(SqlConnection& c, const std::string& job_id, const Lease* lease,
                            int64_t now_ms, std::string* state_out, Status* refusal) {
  AIPROD_ASSIGN(auto rows, c.Query(std::string("SELECT state, lease_owner, lease_epoch, "
                                               "lease_expires_at FROM jobs WHERE id = ?") +
                                       pool_->ForUpdate(),
                                   {job_id}));
  *refusal = {};
  if (rows.empty()) {
    *refusal = Fail(ErrorCode::kNotFound, "no job with id " + job_id);
    return {};
  }
  *state_out = rows.Text(0, "state");
  std::string owner = rows.Text(0, "lease_owner");
  if (lease) {
    if (owner != lease->owner || rows.Int(0, "lease_epoch") != lease->epoch) {
      *refusal = Fail(ErrorCode::kLeaseLost, "job " + job_id + " is now leased by another worker");
    }
  } else if (!owner.empty() && rows.Int(0, "lease_expires_at") > now_ms) {
    *refusal = Fail(ErrorCode::kConflict,
                    "job " + job_id + " is being worked on by " + owner + "; try again shortly");
  }
  return {};
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

Status SqlStore::Renew(Lease& lease, int64_t now_ms, int64_t ttl_ms) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  {
    AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(*c));
    AIPROD_ASSIGN(auto rows,
                  c->Query("UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? "
                           "AND lease_epoch = ? RETURNING cancel_requested",
                           {now_ms + ttl_ms, lease.job_id, lease.owner, lease.epoch}));
    if (!rows.empty()) {
      AIPROD_TRY(load_.NoteRenewed(*c, lease.job_id, lease.epoch, now_ms + ttl_ms));
      AIPROD_TRY(tx.Commit());
      lease.expires_ms = now_ms + ttl_ms;
      lease.cancel_requested = rows.Int(0, "cancel_requested") != 0;
      return {};
    }
  }
  (void)load_.GiveUp(*c, lease.job_id, lease.epoch);  // best effort: the loss is the news
  return Fail(ErrorCode::kLeaseLost, "lease on job " + lease.job_id + " was lost");
}

Status SqlStore::Release(const Lease& lease, int64_t now_ms) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  const std::pair<std::string, int64_t> ended[] = {{lease.job_id, lease.epoch}};
  {
    AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(*c));
    AIPROD_ASSIGN(int64_t n,
                  c->Exec("UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL, "
                          "updated_at = ? WHERE id = ? AND lease_owner = ? AND lease_epoch = ?",
                          {now_ms, lease.job_id, lease.owner, lease.epoch}));
    if (n > 0) {
      AIPROD_TRY(load_.NoteEnded(*c, ended));
      AIPROD_TRY(NotifyRunnable(*c));
      AIPROD_TRY(tx.Commit());
      load_.Forget(ended);
      return {};
    }
  }
  (void)load_.GiveUp(*c, lease.job_id, lease.epoch);  // it was lost already; best effort
  return {};
}

Status SqlStore::BreakLease(const std::string& job_id, int64_t epoch, int64_t now_ms) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto tx, SqlTransaction::Begin(*c));
  AIPROD_ASSIGN(int64_t n, c->Exec("UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND "
                                   "lease_epoch = ? AND lease_owner IS NOT NULL",
                                   {now_ms, job_id, epoch}));
  if (n == 0) return Fail(ErrorCode::kConflict, "the lease on job " + job_id + " changed");
  AIPROD_TRY(InsertEvent(*c, job_id, "lease_broken", "", "", {{"epoch", epoch}}, now_ms));
  return tx.Commit();
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

}  // namespace aiprod

namespace aiprod {

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
