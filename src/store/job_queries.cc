#include "store/job_queries.h"

#include "store/job_rows.h"
#include "store/sql_repositories.h"

namespace aiprod {
namespace {

class SqlJobQueries final : public JobQueries {
 public:
  explicit SqlJobQueries(std::shared_ptr<ConnectionPool> pool) : pool_(std::move(pool)) {}
  Result<std::map<std::string, int64_t>> CountByState() override;
  Result<int64_t> QueueDepth(int64_t now_ms) override;
  Result<int64_t> CountActiveForBrand(const std::string& brand_id, int64_t cap) override;
  Result<std::vector<JobEvent>> EventsAfter(const std::string& job_id, int64_t after_id,
                                            int limit) override;
  Result<std::vector<JobSpend>> SpendSince(int64_t since_ms) override;
  Result<std::vector<FailedJob>> FailuresSince(int64_t since_ms, int limit) override;
  Result<std::optional<JobState>> StateOf(const std::string& job_id) override;

 private:
  std::shared_ptr<ConnectionPool> pool_;
};

}  // namespace

std::unique_ptr<JobQueries> NewSqlJobQueries(std::shared_ptr<ConnectionPool> pool) {
  return std::make_unique<SqlJobQueries>(std::move(pool));
}

Result<std::map<std::string, int64_t>> SqlJobQueries::CountByState() {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto rows, c->Query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state"));
  std::map<std::string, int64_t> out;
  for (size_t i = 0; i < rows.size(); ++i) out[rows.Text(i, "state")] = rows.Int(i, "n");
  return out;
}

Result<int64_t> SqlJobQueries::QueueDepth(int64_t now_ms) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto rows, c->Query("SELECT COUNT(*) AS n FROM jobs WHERE run_after IS NOT NULL "
                                    "AND run_after <= ? AND (lease_owner IS NULL OR "
                                    "lease_expires_at <= ?)",
                                    {now_ms, now_ms}));
  return rows.Int(0, "n");
}

Result<int64_t> SqlJobQueries::CountActiveForBrand(const std::string& brand_id, int64_t cap) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto rows,
                c->Query("SELECT COUNT(*) AS n FROM (SELECT 1 FROM jobs WHERE brand_id = ? AND "
                         "state IN ('queued', 'planning', 'localizing', 'checking_consistency', "
                         "'estimating', 'rendering', 'qa', 'delivering') LIMIT ?) AS active",
                         {brand_id, cap}));
  return rows.Int(0, "n");
}

Result<std::vector<JobEvent>> SqlJobQueries::EventsAfter(const std::string& job_id,
                                                         int64_t after_id, int limit) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto rows, c->Query("SELECT id, job_id, event_type, from_state, to_state, "
                                    "event_data, created_at FROM job_events WHERE job_id = ? "
                                    "AND id > ? ORDER BY id LIMIT ?",
                                    {job_id, after_id, int64_t{limit}}));
  std::vector<JobEvent> out;
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(EventFromRow(rows, i));
  return out;
}

Result<std::vector<JobSpend>> SqlJobQueries::SpendSince(int64_t since_ms) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto rows, c->Query("SELECT brand_id, cost_estimate FROM jobs WHERE created_at "
                                    ">= ? AND cost_estimate IS NOT NULL AND state NOT IN "
                                    "('cancelled', 'failed')",
                                    {since_ms}));
  std::map<std::string, JobSpend> by_brand;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string brand = rows.Text(i, "brand_id");
    auto cost = Json::parse(rows.Text(i, "cost_estimate"), nullptr, false);
    JobSpend& s = by_brand[brand];
    s.brand_id = brand;
    s.jobs += 1;
    if (cost.is_object() && cost.contains("usd") && cost["usd"].is_number()) {
      s.usd += cost["usd"].get<double>();
    }
  }
  std::vector<JobSpend> out;
  for (auto& [_, s] : by_brand) out.push_back(s);
  return out;
}

Result<std::vector<FailedJob>> SqlJobQueries::FailuresSince(int64_t since_ms, int limit) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto rows, c->Query("SELECT id, brand_id, state, error, updated_at FROM jobs "
                                    "WHERE updated_at >= ? AND state IN ('failed', 'dead', "
                                    "'qa_failed') ORDER BY updated_at DESC LIMIT ?",
                                    {since_ms, int64_t{limit}}));
  std::vector<FailedJob> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    out.push_back({rows.Text(i, "id"), rows.Text(i, "brand_id"), rows.Text(i, "state"),
                   rows.Text(i, "error"), rows.Int(i, "updated_at")});
  }
  return out;
}

Result<std::optional<JobState>> SqlJobQueries::StateOf(const std::string& job_id) {
  AIPROD_ASSIGN(auto c, pool_->Acquire());
  AIPROD_ASSIGN(auto rows, c->Query("SELECT state FROM jobs WHERE id = ?", {job_id}));
  if (rows.empty()) return std::optional<JobState>();
  return StateFromName(rows.Text(0, "state"));
}

}  // namespace aiprod
