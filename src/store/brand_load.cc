#include "store/brand_load.h"

#include "core/ids.h"

namespace aiprod {
namespace {

constexpr int64_t kPruneEveryMs = 3'600'000;  // and stores gone for as long

// The entry of `held` for `job_id` if it has `epoch` (a lease of the same job
// with another epoch is another lease), else null.
template <class Map>
auto* HeldLease(Map& held, const std::string& job_id, int64_t epoch) {
  auto it = held.find(job_id);
  return it != held.end() && it->second.epoch == epoch ? &it->second : nullptr;
}

}  // namespace

BrandLoad::BrandLoad() : store_id_(RandomHex(8)) {}

SqlStatement BrandLoad::Read(int64_t now_ms) {
  // One row per live store and brand; the caller adds them up (a store's
  // count below zero, possible after its rows were pruned, counts as zero).
  return {
      "SELECT c.brand_id AS brand_id, c.n - COALESCE(r.n, 0) AS n FROM brand_load c LEFT "
      "JOIN brand_load r ON r.store_id = c.store_id AND r.brand_id = c.brand_id AND r.kind = "
      "'r' WHERE c.kind = 'c' AND c.expires_at > ?",
      {now_ms}};
}

Status BrandLoad::Add(SqlConnection& c, char kind, const std::map<std::string, int64_t>& per_brand,
                      int64_t expires_ms) const {
  if (per_brand.empty()) return {};
  std::string sql = "INSERT INTO brand_load (store_id, brand_id, kind, n, expires_at) VALUES ";
  std::vector<SqlValue> params;
  for (const auto& [brand, n] : per_brand) {
    sql += params.empty() ? "(?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?)";
    params.insert(params.end(), {store_id_, brand, std::string(1, kind), n, expires_ms});
  }
  sql +=
      " ON CONFLICT (store_id, brand_id, kind) DO UPDATE SET n = brand_load.n + excluded.n, "
      "expires_at = excluded.expires_at";
  return c.Defer({std::move(sql), std::move(params)});
}

Status BrandLoad::NoteTaken(SqlConnection& c, std::span<const Held> leases,
                            int64_t expires_ms) const {
  std::map<std::string, int64_t> per_brand;
  for (const Held& h : leases) ++per_brand[h.brand_id];
  return Add(c, 'c', per_brand, expires_ms);
}

void BrandLoad::Hold(std::span<const Held> leases) {
  MutexLock lock(mu_);
  for (const Held& h : leases) held_[h.job_id] = h;
}

Status BrandLoad::NoteRenewed(SqlConnection& c, const std::string& job_id, int64_t epoch,
                              int64_t expires_ms) {
  std::string brand;
  {
    MutexLock lock(mu_);
    auto* h = HeldLease(held_, job_id, epoch);
    if (h == nullptr) return {};
    brand = h->brand_id;
    h->expires_ms = expires_ms;  // if the renewal fails, only given up later
  }
  return Add(c, 'c', {{brand, 0}}, expires_ms);
}

std::vector<std::pair<std::string, int64_t>> BrandLoad::Expired(int64_t now_ms) const {
  std::vector<std::pair<std::string, int64_t>> expired;
  MutexLock lock(mu_);
  for (const auto& [job_id, h] : held_) {
    if (h.expires_ms <= now_ms) expired.emplace_back(job_id, h.epoch);
  }
  return expired;
}

std::vector<BrandLoad::Held> BrandLoad::Find(
    std::span<const std::pair<std::string, int64_t>> leases) const {
  std::vector<Held> found;
  MutexLock lock(mu_);
  for (const auto& [job_id, epoch] : leases) {
    if (const auto* h = HeldLease(held_, job_id, epoch)) found.push_back(*h);
  }
  return found;
}

Status BrandLoad::NoteEnded(SqlConnection& c,
                            std::span<const std::pair<std::string, int64_t>> leases) const {
  std::map<std::string, int64_t> per_brand;
  for (const Held& h : Find(leases)) ++per_brand[h.brand_id];
  return Add(c, 'r', per_brand, 0);
}

void BrandLoad::Forget(std::span<const std::pair<std::string, int64_t>> leases) {
  MutexLock lock(mu_);
  for (const auto& [job_id, epoch] : leases) {
    if (HeldLease(held_, job_id, epoch) != nullptr) held_.erase(job_id);
  }
}

Status BrandLoad::GiveUp(SqlConnection& c, const std::string& job_id, int64_t epoch) {
  std::string brand;
  {
    MutexLock lock(mu_);
    auto* h = HeldLease(held_, job_id, epoch);
    if (h == nullptr) return {};
    brand = std::move(h->brand_id);
    held_.erase(job_id);
  }
  return Add(c, 'r', {{brand, 1}}, 0);
}

Status BrandLoad::Prune(SqlConnection& c, int64_t now_ms) {
  {
    MutexLock lock(mu_);
    if (now_ms - pruned_ms_ < kPruneEveryMs) return {};
    pruned_ms_ = now_ms;
  }
  return c.Defer(
      {"DELETE FROM brand_load WHERE store_id <> ? AND store_id IN (SELECT store_id "
       "FROM brand_load WHERE kind = 'c' GROUP BY store_id HAVING MAX(expires_at) < ?)",
       {store_id_, now_ms - kPruneEveryMs}});
}

}  // namespace aiprod
