// Queue benchmark of the Store (issue 7): enqueue throughput, no-op processing
// throughput with P worker processes, and pickup latency with LISTEN/NOTIFY.
// Mirrors the method of ../shared/peers/queue (graphile-worker, pg-boss).
//
//   queue_bench prefill --url URL --jobs N [--threads T]   migrate + N jobs (untimed)
//   queue_bench enqueue --url URL --jobs N                  N CreateJob, one client
//   queue_bench process --url URL --jobs N --procs P [--concurrency C] [--prefetch K]
//                       [--brand-fairness W]                drain N pre-inserted jobs
//   queue_bench latency --url URL --jobs N [--rate R] [--concurrency C]
//                                                           one idle worker, R jobs/s
// --concurrency: threads per worker process sharing one Store, like
// `aiprod worker --concurrency C` (their claims and completions that meet
// share transactions). --brand-fairness: `queue.brand_fairness` (0 = the
// claims count no running jobs per brand).
// Common: --pgdata DIR (the cluster's data directory: adds the server's CPU
// time to the result), --label TEXT. Each measurement prints one JSON line.
//
// Every write is one Store call, i.e. one transaction committed with the
// server's defaults (synchronous_commit=on, fsync=on): durable when it returns.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/ids.h"
#include "store/notifier.h"
#include "store/store.h"

namespace aiprod {
namespace {

struct Options {
  std::string mode;
  std::string url;
  std::string pgdata;
  std::string label;
  int jobs = 2000;
  int procs = 1;
  int threads = 8;
  int concurrency = 1;
  double rate = 200;
  int poll_ms = 500;  // QueueConfig::poll_ms: the fallback when no NOTIFY arrives
  int prefetch = 0;   // QueueConfig::prefetch: jobs a process leases ahead
  double brand_fairness = ClaimRequest{}.brand_weight;  // QueueConfig::brand_fairness
};

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "queue_bench: " << what << "\n";
  std::exit(1);
}

int64_t WallUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// CPU ms (user + system) of this process and its reaped children.
double ClientCpuMs() {
  double ms = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage u{};
    getrusage(who, &u);
    ms += (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
          (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
  }
  return ms;
}

// CPU ms of the whole PostgreSQL cluster so far (postmaster, live children,
// reaped children), as ../shared/peers/queue/pgcpu.mjs counts it; -1 unknown.
double PgCpuMs(const std::string& pgdata) {
  if (pgdata.empty()) return -1;
  std::ifstream pidfile(pgdata + "/postmaster.pid");
  long pm = 0;
  if (!(pidfile >> pm)) return -1;
  struct Stat {
    long ppid = 0;
    long long utime = 0, stime = 0, cutime = 0, cstime = 0;
  };
  auto read_stat = [](const std::string& pid, Stat* s) {
    std::ifstream f("/proc/" + pid + "/stat");
    std::string line;
    if (!std::getline(f, line)) return false;
    auto close = line.rfind(')');
    if (close == std::string::npos) return false;
    std::istringstream in(line.substr(close + 2));
    std::string state;
    long long skip = 0;
    in >> state >> s->ppid;
    for (int i = 0; i < 9; ++i) in >> skip;  // pgrp .. cmajflt
    in >> s->utime >> s->stime >> s->cutime >> s->cstime;
    return static_cast<bool>(in);
  };
  long long ticks = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    if (std::stol(name) == pm) continue;
    Stat s;
    if (read_stat(name, &s) && s.ppid == pm) ticks += s.utime + s.stime;
  }
  Stat p;
  if (!read_stat(std::to_string(pm), &p)) return -1;
  ticks += p.utime + p.stime + p.cutime + p.cstime;
  return static_cast<double>(ticks) * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::unique_ptr<Store> Open(const std::string& url) {
  auto store = OpenStore(url);
  if (!store) Die("open " + url + ": " + store.error().ToString());
  return std::move(*store);
}

NewJob MakeJob(const std::string& id) {
  NewJob nj;
  nj.id = id;
  nj.brief.content = "queue benchmark no-op job";
  nj.now_ms = SystemClock().NowMs();
  return nj;
}

std::string Owner() {
  char host[64] = {0};
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + RandomHex(4);
}

// The no-op stage: the claim, then one durable transition to a terminal state
// that releases the lease (fenced by it). Returns false when nothing was runnable.
bool ClaimAndComplete(Store& store, const std::string& owner, const Options& o, std::string* job_id,
                      int64_t* claimed_us) {
  ClaimRequest req;
  req.owner = owner;
  req.prefetch = o.prefetch;
  req.brand_weight = o.brand_fairness;
  req.now_ms = SystemClock().NowMs();
  auto lease = store.Claim(req);
  if (!lease) Die("claim: " + lease.error().ToString());
  if (!*lease) return false;
  if (claimed_us) *claimed_us = WallUs();
  JobTransition t(JobState::kQueued, JobState::kDelivered, "state_changed", {{"bench", "no-op"}});
  t.release_lease = true;
  auto applied = store.Apply((*lease)->job_id, &**lease, t, SystemClock().NowMs());
  if (!applied) Die("apply: " + applied.error().ToString());
  if (job_id) *job_id = (*lease)->job_id;
  return true;
}

std::string Num(double v, int decimals = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// {"lib":"aiprod",...}: the common fields, then `extra` (already JSON members).
void PrintResult(const Options& o, const std::string& test, int jobs, double secs, double client_ms,
                 double pg_ms, const std::string& extra) {
  std::string line = "{\"lib\":\"aiprod\",\"test\":\"" + test + "\",\"label\":\"" + o.label +
                     "\",\"jobs\":" + std::to_string(jobs) + ",\"seconds\":" + Num(secs, 3);
  if (secs > 0) line += ",\"jobs_per_s\":" + Num(jobs / secs);
  line += ",\"client_cpu_ms\":" + Num(client_ms);
  if (pg_ms >= 0) {
    line += ",\"pg_cpu_ms\":" + Num(pg_ms) +
            ",\"cpu_ms_per_1k\":" + Num((client_ms + pg_ms) / std::max(jobs, 1) * 1000);
  }
  if (!extra.empty()) line += "," + extra;
  std::cout << line << "}" << std::endl;
}

int Prefill(const Options& o) {
  auto store = Open(o.url);
  if (auto m = store->Migrate(); !m) Die("migrate: " + m.error().ToString());
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < o.threads; ++t) {
    threads.emplace_back([&] {
      SystemClock clock;
      while (next.fetch_add(1) < o.jobs) {
        auto job = store->CreateJob(MakeJob(NewUuidV7(clock)));
        if (!job) Die("create: " + job.error().ToString());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::cerr << "queue_bench: prefilled " << o.jobs << " jobs\n";
  return 0;
}

int Enqueue(const Options& o) {
  auto store = Open(o.url);
  SystemClock clock;
  // One warm-up call opens the pooled connection outside the timed window.
  if (auto v = store->SchemaVersion(); !v) Die("schema: " + v.error().ToString());
  double c0 = ClientCpuMs(), p0 = PgCpuMs(o.pgdata);
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < o.jobs; ++i) {
    auto job = store->CreateJob(MakeJob(NewUuidV7(clock)));
    if (!job) Die("create: " + job.error().ToString());
  }
  auto t1 = std::chrono::steady_clock::now();
  double c1 = ClientCpuMs(), p1 = PgCpuMs(o.pgdata);
  PrintResult(o, "enqueue-single", o.jobs, Seconds(t0, t1), c1 - c0, p0 < 0 ? -1 : p1 - p0,
              "\"clients\":1");
  return 0;
}

int Process(const Options& o) {
  int ready[2], go[2], done[2];
  if (pipe(ready) || pipe(go) || pipe(done)) Die("pipe");
  std::vector<pid_t> kids;
  for (int k = 0; k < o.procs; ++k) {
    pid_t pid = fork();
    if (pid < 0) Die("fork");
    if (pid == 0) {
      close(ready[0]);
      close(go[1]);
      close(done[0]);
      auto store = Open(o.url);
      if (auto v = store->SchemaVersion(); !v) Die("schema: " + v.error().ToString());
      std::string owner = Owner();
      char byte = 'r';
      if (write(ready[1], &byte, 1) != 1) _exit(3);
      while (read(go[0], &byte, 1) > 0) {
      }
      std::atomic<int> count{0};
      std::vector<std::thread> threads;
      for (int t = 0; t < o.concurrency; ++t) {
        threads.emplace_back([&] {
          while (ClaimAndComplete(*store, owner, o, nullptr, nullptr)) ++count;
        });
      }
      for (auto& t : threads) t.join();
      std::string msg = std::to_string(count) + "\n";
      if (write(done[1], msg.data(), msg.size()) != static_cast<ssize_t>(msg.size())) _exit(3);
      store.reset();
      _exit(0);
    }
    kids.push_back(pid);
  }
  close(ready[1]);
  close(go[0]);
  close(done[1]);
  char byte;
  for (int k = 0; k < o.procs; ++k) {
    if (read(ready[0], &byte, 1) != 1) Die("a worker process died before starting");
  }
  double c0 = ClientCpuMs(), p0 = PgCpuMs(o.pgdata);
  auto t0 = std::chrono::steady_clock::now();
  close(go[1]);  // EOF: every worker starts
  bool failed = false;
  for (pid_t pid : kids) {
    int status = 0;
    waitpid(pid, &status, 0);
    failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
  }
  auto t1 = std::chrono::steady_clock::now();
  double c1 = ClientCpuMs(), p1 = PgCpuMs(o.pgdata);
  if (failed) Die("a worker process failed");
  std::string counts, all;
  char buf[256];
  ssize_t n;
  while ((n = read(done[0], buf, sizeof buf)) > 0) all.append(buf, static_cast<size_t>(n));
  std::istringstream in(all);
  int total = 0, c = 0;
  while (in >> c) {
    total += c;
    counts += (counts.empty() ? "" : ",") + std::to_string(c);
  }
  PrintResult(o, "process", total, Seconds(t0, t1), c1 - c0, p0 < 0 ? -1 : p1 - p0,
              "\"procs\":" + std::to_string(o.procs) +
                  ",\"concurrency\":" + std::to_string(o.concurrency) +
                  ",\"prefetch\":" + std::to_string(o.prefetch) + ",\"per_proc\":[" + counts + "]");
  if (total != o.jobs) {
    std::cerr << "queue_bench: processed " << total << " jobs, expected " << o.jobs << "\n";
    return 1;
  }
  return 0;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}

int Latency(const Options& o) {
  int ready[2], out[2];
  if (pipe(ready) || pipe(out)) Die("pipe");
  pid_t worker = fork();
  if (worker < 0) Die("fork");
  if (worker == 0) {
    close(ready[0]);
    close(out[0]);
    auto store = Open(o.url);
    if (auto v = store->SchemaVersion(); !v) Die("schema: " + v.error().ToString());
    // Each thread waits on its own LISTEN connection, as Worker threads do.
    std::vector<std::unique_ptr<JobWaiter>> waiters;
    for (int t = 0; t < o.concurrency; ++t) {
      waiters.push_back(MakeJobWaiter(o.url));
      waiters.back()->Wait(std::chrono::milliseconds(1));  // connects and LISTENs
    }
    std::string owner = Owner();
    char byte = 'r';
    if (write(ready[1], &byte, 1) != 1) _exit(3);
    // Stops after every job, or 120 s after the last pickup (missing jobs).
    std::mutex mu;
    std::vector<std::pair<std::string, int64_t>> picked;
    int64_t last = WallUs();  // guarded by mu, like picked
    auto finished = [&] {
      std::lock_guard lock(mu);
      return static_cast<int>(picked.size()) >= o.jobs || WallUs() - last > 120'000'000;
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < o.concurrency; ++t) {
      threads.emplace_back([&, t] {
        while (!finished()) {
          std::string id;
          int64_t at = 0;
          if (ClaimAndComplete(*store, owner, o, &id, &at)) {
            std::lock_guard lock(mu);
            picked.emplace_back(id, at);
            last = at;
            continue;
          }
          waiters[t]->Wait(std::chrono::milliseconds(o.poll_ms));
        }
      });
    }
    for (auto& t : threads) t.join();
    std::string text;
    for (auto& [id, at] : picked) text += id + " " + std::to_string(at) + "\n";
    size_t off = 0;
    while (off < text.size()) {
      ssize_t w = write(out[1], text.data() + off, text.size() - off);
      if (w <= 0) _exit(3);
      off += static_cast<size_t>(w);
    }
    _exit(0);
  }
  close(ready[1]);
  close(out[1]);
  char byte;
  if (read(ready[0], &byte, 1) != 1) Die("the worker died before starting");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // idle worker, waiting
  // Reads the worker's report concurrently so that a full pipe never blocks it.
  std::string report;
  std::thread reader([&] {
    char buf[4096];
    ssize_t n;
    while ((n = read(out[0], buf, sizeof buf)) > 0) report.append(buf, static_cast<size_t>(n));
  });
  auto store = Open(o.url);
  if (auto v = store->SchemaVersion(); !v) Die("schema: " + v.error().ToString());
  SystemClock clock;
  std::map<std::string, std::pair<int64_t, int64_t>> sent;  // id -> (call, committed)
  auto start = std::chrono::steady_clock::now();
  const auto gap = std::chrono::duration<double>(1.0 / o.rate);
  for (int i = 0; i < o.jobs; ++i) {
    // Open loop: job i is due at start + i * gap, whatever the previous took.
    std::this_thread::sleep_until(start +
                                  std::chrono::duration_cast<std::chrono::nanoseconds>(gap * i));
    std::string id = NewUuidV7(clock);
    int64_t call = WallUs();
    auto job = store->CreateJob(MakeJob(id));
    if (!job) Die("create: " + job.error().ToString());
    sent[id] = {call, WallUs()};
  }
  double enqueue_s = Seconds(start, std::chrono::steady_clock::now());
  int status = 0;
  waitpid(worker, &status, 0);
  reader.join();
  std::vector<double> from_call, from_commit;
  std::istringstream in(report);
  std::string id;
  int64_t at = 0;
  while (in >> id >> at) {
    auto it = sent.find(id);
    if (it == sent.end()) continue;
    from_call.push_back((at - it->second.first) / 1000.0);
    from_commit.push_back((at - it->second.second) / 1000.0);
  }
  int missing = o.jobs - static_cast<int>(from_call.size());
  std::string extra = "\"rate\":" + Num(o.rate, 0) + ",\"enqueue_s\":" + Num(enqueue_s, 2) +
                      ",\"missing\":" + std::to_string(missing) +
                      ",\"p50_ms\":" + Num(Percentile(from_call, 50), 2) +
                      ",\"p90_ms\":" + Num(Percentile(from_call, 90), 2) +
                      ",\"p99_ms\":" + Num(Percentile(from_call, 99), 2) +
                      ",\"max_ms\":" + Num(Percentile(from_call, 100), 2) +
                      ",\"p50_after_commit_ms\":" + Num(Percentile(from_commit, 50), 2) +
                      ",\"p99_after_commit_ms\":" + Num(Percentile(from_commit, 99), 2);
  std::string line = "{\"lib\":\"aiprod\",\"test\":\"latency\",\"label\":\"" + o.label +
                     "\",\"jobs\":" + std::to_string(o.jobs) +
                     ",\"concurrency\":" + std::to_string(o.concurrency) + "," + extra + "}";
  std::cout << line << std::endl;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

Options Parse(int argc, char** argv) {
  Options o;
  if (argc < 2) Die("usage: queue_bench prefill|enqueue|process|latency --url URL [--jobs N] ...");
  o.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) Die("missing value after " + a);
    std::string v = argv[++i];
    if (a == "--url") {
      o.url = v;
    } else if (a == "--jobs") {
      o.jobs = std::stoi(v);
    } else if (a == "--procs") {
      o.procs = std::stoi(v);
    } else if (a == "--threads") {
      o.threads = std::stoi(v);
    } else if (a == "--concurrency") {
      o.concurrency = std::stoi(v);
    } else if (a == "--rate") {
      o.rate = std::stod(v);
    } else if (a == "--prefetch") {
      o.prefetch = std::stoi(v);
    } else if (a == "--brand-fairness") {
      o.brand_fairness = std::stod(v);
    } else if (a == "--poll-ms") {
      o.poll_ms = std::stoi(v);
    } else if (a == "--pgdata") {
      o.pgdata = v;
    } else if (a == "--label") {
      o.label = v;
    } else {
      Die("unknown option " + a);
    }
  }
  if (o.url.empty()) Die("--url is required");
  if (o.jobs < (o.mode == "prefill" ? 0 : 1) || o.procs < 1 || o.threads < 1 || o.concurrency < 1 ||
      o.rate <= 0)
    Die("bad numbers");
  return o;
}

}  // namespace
}  // namespace aiprod

int main(int argc, char** argv) {
  using namespace aiprod;
  Options o = Parse(argc, argv);
  if (o.mode == "prefill") return Prefill(o);
  if (o.mode == "enqueue") return Enqueue(o);
  if (o.mode == "process") return Process(o);
  if (o.mode == "latency") return Latency(o);
  Die("unknown mode " + o.mode);
}
