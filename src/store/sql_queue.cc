// The queue half of SqlStore: claims (with brand fairness and leases taken
// ahead), renewals, releases, broken leases, and the lease fence every
// leased write checks. The jobs half is sql_store.cc.
#include <algorithm>
#include <map>
#include <set>
#include <span>

#include "store/job_rows.h"
#include "store/sql_store.h"  // SqlStore, whose queue methods these are

namespace aiprod {

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

}  // namespace aiprod
