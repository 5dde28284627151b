#!/usr/bin/env bash
# API benchmark (docs/BENCHMARKS.md, "HTTP API"): wrk on loopback against
# `aiprod serve --no-worker` over a fresh SQLite database.
#   1. GET /health                    (64 connections)
#   2. GET /v1/jobs/{id} with an API key (64 connections)
#   3. POST /v1/jobs, durably committed (64 connections)
#   4. idle RSS of the server
# Usage: bench/api/run.sh [AIPROD_BINARY] [SECONDS]   (default build/release/src/cli/aiprod, 10)
# /health and GET /v1/jobs/{id} alternate for ROUNDS rounds (default 3) of
# SECONDS each and their medians are compared: the throughput of this
# shared machine swings by a third from minute to minute, which one run of
# each would read as a difference between the routes.
# Run it on a quiet machine (load average < 1.5); it prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-build/release/src/cli/aiprod}
secs=${2:-10}
threads=${WRK_THREADS:-2}
rounds=${ROUNDS:-3}
conns=${WRK_CONNECTIONS:-64}
command -v wrk >/dev/null || { echo "wrk is missing: scripts/setup" >&2; exit 1; }
[ -x "$bin" ] || { echo "no aiprod binary at $bin (cmake --preset release && cmake --build --preset release)" >&2; exit 1; }

dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
export AIPROD_DATA_DIR="$dir/data" AIPROD_DATABASE="$dir/aiprod.db"
export AIPROD_SIGNING_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
# Benchmark settings: no per-key rate limit or per-brand cap (they would
# answer 429), warnings only in the log (an access line per request costs as
# much as the request), one I/O thread per core.
export AIPROD_LIMITS_REQUESTS_PER_S=0 AIPROD_LIMITS_MAX_ACTIVE_JOBS_PER_BRAND=0
export AIPROD_LOG_LEVEL=warn AIPROD_API_THREADS=${AIPROD_API_THREADS:-2}

key=$("$bin" keys create --role editor --brand bench 2>/dev/null)
"$bin" serve --no-worker --listen 127.0.0.1:0 >"$dir/serve.out" 2>"$dir/serve.err" &
pid=$!
for _ in $(seq 100); do grep -q "listening on port" "$dir/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/listening on port //p' "$dir/serve.out")
base="http://127.0.0.1:$port"
sleep 1
idle_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)

job=$(curl -fsS -H "X-API-Key: $key" -H 'Content-Type: application/json' \
  -d '{"content": "Fresh coffee, every morning."}' "$base/v1/jobs" | sed 's/.*"id":"\([^"]*\)".*/\1/')

cat >"$dir/get.lua" <<LUA
wrk.headers["X-API-Key"] = "$key"
LUA
cat >"$dir/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"content": "Fresh coffee, every morning.", "brand_id": "bench"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "$key"
done = function(summary, latency, requests)
  io.write(string.format("non2xx=%d\n", summary.errors.status))
end
LUA

run() {  # name, url, script: one wrk run; appends req/s, p50, p99, non-2xx to $dir/$1.runs
  local out
  out=$(wrk -t"$threads" -c"$conns" -d"${secs}s" --latency ${3:+-s "$3"} "$2")
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk -F'[: ]+' '/Non-2xx/ {print $5}' <<<"$out")
  echo "$rps $p50 $p99 ${non2xx:-0}" >>"$dir/$1.runs"
}

row() {  # name: the run with the median req/s, and every run's req/s
  local all
  all=$(awk '{printf "%s%.0f", (NR > 1 ? ", " : ""), $1}' "$dir/$1.runs")
  sort -n -k1,1 "$dir/$1.runs" | awk -v n="$(wc -l <"$dir/$1.runs")" -v name="$1" -v all="$all" \
    'NR == int((n + 1) / 2) { printf "| %s | %.0f | %s | %s | %s | %s |\n", name, $1, $2, $3, $4, all;
                              print $1 > "/dev/stderr" }' 2>"$dir/$1.rps"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; wrk -t$threads -c$conns -d${secs}s"
echo
for ((r = 1; r <= rounds; r++)); do  # alternating, so that slow minutes hit both
  if ((r % 2)); then
    run health "$base/health"; run get_job "$base/v1/jobs/$job" "$dir/get.lua"
  else
    run get_job "$base/v1/jobs/$job" "$dir/get.lua"; run health "$base/health"
  fi
done
run post_job "$base/v1/jobs" "$dir/post.lua"
echo "| route | req/s (median) | p50 | p99 | non-2xx | every run's req/s |"
echo "| --- | --- | --- | --- | --- | --- |"
row health
row get_job
row post_job
busy_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
jobs_made=$(sqlite3 "$dir/aiprod.db" "SELECT COUNT(*) FROM jobs" 2>/dev/null || echo "?")
echo
awk -v h="$(cat "$dir/health.rps")" -v g="$(cat "$dir/get_job.rps")" \
  'BEGIN { printf "GET /v1/jobs/{id} / GET /health = %.0f%% (medians of %d alternating rounds)\n", 100 * g / h, '"$rounds"' }'
paste -d' ' "$dir/get_job.runs" "$dir/health.runs" | awk '{ printf "%s%.0f%%", (NR > 1 ? ", " : "round by round: "), 100 * $1 / $5 } END { print "" }'
echo "idle RSS: $((idle_kb / 1024)) MB; after the runs: $((busy_kb / 1024)) MB; jobs in the database: $jobs_made"
