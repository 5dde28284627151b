// Settings of running jobs and delivering their results: the queue, the
// artifact store (src/artifacts) and webhooks. Each struct is followed by its
// key table, the one place its keys are named (core/config_key.h).
#pragma once

#include <string>

#include "core/config_key.h"

namespace aiprod {

// queue.*: leases, retries and the order jobs are claimed in.
struct QueueConfig {
  double lease_ttl_s = 30;
  double heartbeat_s = 10;
  int max_attempts = 3;
  double backoff_base_s = 2;
  double backoff_max_s = 300;
  int poll_ms = 500;
  double priority_aging_s = 60;
  double brand_fairness = 0.5;
  int prefetch = 0;
};

inline constexpr SettingKey<QueueConfig> kQueueKeys[] = {
    setting::Number("lease_ttl_s", &QueueConfig::lease_ttl_s, 1, 86400,
                    "a job's lease ends this long after its worker's last heartbeat"),
    setting::Number("heartbeat_s", &QueueConfig::heartbeat_s, 0.1, 3600,
                    "how often a worker renews its leases"),
    setting::Int("max_attempts", &QueueConfig::max_attempts, 1, 100,
                 "attempts of a job before it fails"),
    setting::Number("backoff_base_s", &QueueConfig::backoff_base_s, 0, 3600,
                    "delay before retry n: base * 2^(n-1), capped"),
    setting::Number("backoff_max_s", &QueueConfig::backoff_max_s, 0, 86400,
                    "longest delay before a retry"),
    setting::Int("poll_ms", &QueueConfig::poll_ms, 10, 60'000,
                 "how often an idle worker looks for a job"),
    setting::Int("prefetch", &QueueConfig::prefetch, 0, 1000,
                 "jobs a worker process leases ahead of its threads (a local queue; for many "
                 "short jobs, not for renders)"),
    setting::Number("priority_aging_s", &QueueConfig::priority_aging_s, 0, 86400,
                    "a waiting job gains one priority level per this"),
    setting::Number("brand_fairness", &QueueConfig::brand_fairness, 0, 100,
                    "priority levels a job loses per running job of its brand (0: no fairness)"),
};

// storage.*: where delivered artifacts are kept and for how long.
struct StorageConfig {
  std::string dir;
  double retention_days = 30;
};

inline constexpr SettingKey<StorageConfig> kStorageKeys[] = {
    setting::Path("dir", &StorageConfig::dir,
                  "local artifact store (empty: `<data_dir>/artifacts`)"),
    setting::Number("retention_days", &StorageConfig::retention_days, 0, 36500,
                    "`aiprod gc` deletes artifacts older than this"),
};

// webhook.*: calls to a brief's webhook_url when its job ends
// (src/notify/webhook_*.h).
struct WebhookConfig {
  int allow_http = 0;
  int allow_loopback = 0;
  int allow_private = 0;
  int max_attempts = 6;
  double backoff_base_s = 5;
  double backoff_max_s = 3600;
  double timeout_s = 10;
};

inline constexpr SettingKey<WebhookConfig> kWebhookKeys[] = {
    setting::Int("allow_http", &WebhookConfig::allow_http, 0, 1,
                 "1: plain http:// URLs too (tests only; production refuses to start with it)"),
    setting::Int("allow_loopback", &WebhookConfig::allow_loopback, 0, 1,
                 "1: 127.0.0.0/8 and ::1 (tests only; production refuses to start with it)"),
    setting::Int("allow_private", &WebhookConfig::allow_private, 0, 1,
                 "1: RFC 1918, ULA, CGNAT and link-local addresses (production refuses to start "
                 "with it)"),
    setting::Int("max_attempts", &WebhookConfig::max_attempts, 1, 100,
                 "attempts of a delivery before it is given up (each is recorded)"),
    setting::Number("backoff_base_s", &WebhookConfig::backoff_base_s, 0, 86400,
                    "delay before attempt n+1: base * 2^(n-1), jittered, capped"),
    setting::Number("backoff_max_s", &WebhookConfig::backoff_max_s, 0, 30 * 86400,
                    "longest delay between attempts"),
    setting::Number("timeout_s", &WebhookConfig::timeout_s, 0.1, 300,
                    "per attempt, connection included"),
};

}  // namespace aiprod
