#!/usr/bin/env bash
# Same-run A/B of AIPROD's queue: two queue_bench builds, or two schema
# variants, draining the same number of pre-inserted jobs on ONE private
# cluster, alternating A and B round by round. For trying a change to the
# claim or completion path before a full bench/queue/run.sh.
#
#   bench/queue/ab.sh [BIN_A [BIN_B]]   (default: build/bench-queue/bench/queue_bench for both)
#
# Build a baseline first, e.g.:  git stash; ninja -C build/bench-queue queue_bench;
#   cp build/bench-queue/bench/queue_bench /tmp/qb_a; git stash pop; ninja ...
# Knobs (env):  R=6 rounds  N=20000 jobs  P=1 processes  C=64 threads each
#               K=256 prefetch  W_A / W_B = --brand-fairness of each side (default 0.5)
#               SQL_A / SQL_B = SQL run on that side's template after it is
#               filled (e.g. SQL_B="drop index idx_jobs_leased")
#               STATEMENTS=1: one more run per side with pg_stat_statements,
#               printing the statements that took the most time
# Prints one line per run (jobs/s, client and server CPU per 1,000 jobs, the
# share of job updates PostgreSQL made in place = HOT), then medians and B/A.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEFAULT_BIN=$ROOT/build/bench-queue/bench/queue_bench
BIN_A=${1:-$DEFAULT_BIN}
BIN_B=${2:-$BIN_A}
for b in "$BIN_A" "$BIN_B"; do
  [ -x "$b" ] || { echo "ab.sh: $b not built (see bench/queue/run.sh)" >&2; exit 1; }
done
R=${R:-6} N=${N:-20000} P=${P:-1} C=${C:-64} K=${K:-256}
W_A=${W_A:-0.5} W_B=${W_B:-0.5}

STATE=$(mktemp -d /tmp/aiprod-queue-ab.XXXXXX)
cleanup() {
  "$ROOT/scripts/pg-cluster" stop "$STATE/pg" >/dev/null 2>&1 || true
  rm -rf "$STATE"
}
trap cleanup EXIT
"$ROOT/scripts/pg-cluster" start "$STATE/pg" >/dev/null
URL=$(cat "$STATE/pg/url")
PORT=$(cat "$STATE/pg/port")
PGDATA=$(cat "$STATE/pg/datadir")/data
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres)
dburl() { echo "${URL%/*}/$1"; }
if [ "${STATEMENTS:-0}" = 1 ]; then
  "${PSQL[@]}" -c "alter system set shared_preload_libraries = 'pg_stat_statements'"
  "$ROOT/scripts/pg-cluster" restart "$STATE/pg" >/dev/null
fi

declare -A BIN=([a]=$BIN_A [b]=$BIN_B) SQL=([a]=${SQL_A:-} [b]=${SQL_B:-}) W=([a]=$W_A [b]=$W_B)
for v in a b; do
  "${PSQL[@]}" -c "create database ${v}_tpl"
  "${BIN[$v]}" prefill --url "$(dburl ${v}_tpl)" --jobs "$N" 2>/dev/null
  [ -z "${SQL[$v]}" ] || "${PSQL[@]}" -d ${v}_tpl <<<"${SQL[$v]}"
  "${PSQL[@]}" -d ${v}_tpl -c "vacuum analyze"
done

fresh() { # $1 = a|b
  "${PSQL[@]}" -c "set client_min_messages = warning" -c "drop database if exists run" \
    -c "create database run template $1_tpl" -c checkpoint
}
run() { # $1 = a|b; prints the JSON line of queue_bench
  "${BIN[$1]}" process --url "$(dburl run)" --pgdata "$PGDATA" --label "$1" --jobs "$N" \
    --procs "$P" --concurrency "$C" --prefetch "$K" --brand-fairness "${W[$1]}" 2>/dev/null | tail -n 1
}

echo "A: $BIN_A ${SQL_A:+(+ $SQL_A) }W=$W_A"
echo "B: $BIN_B ${SQL_B:+(+ $SQL_B) }W=$W_B"
echo "$N jobs, $P process(es) x $C threads, prefetch $K, $R rounds; $(uptime)"
RESULTS=$STATE/results.txt
: >"$RESULTS"
for r in $(seq 1 "$R"); do
  for v in a b; do
    fresh $v
    json=$(run $v)
    hot=$("${PSQL[@]}" -d run -Atc "select round(100.0 * n_tup_hot_upd / greatest(n_tup_upd, 1))
                                     from pg_stat_user_tables where relname = 'jobs'")
    left=$("${PSQL[@]}" -d run -Atc "select count(*) from jobs where state <> 'delivered'")
    line=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["jobs_per_s"], round(1000*d["client_cpu_ms"]/d["jobs"],1), round(1000*d["pg_cpu_ms"]/d["jobs"],1), d["cpu_ms_per_1k"])' "$json")
    echo "$v $line $hot $left" >>"$RESULTS"
    read -r jps cli pg tot <<<"$line"
    printf '%s round %d: %8.0f jobs/s  client %6.1f + server %6.1f = %6.1f CPU ms / 1k  HOT %3s%%%s\n' \
      "${v^^}" "$r" "$jps" "$cli" "$pg" "$tot" "$hot" "$([ "$left" = 0 ] || echo "  ($left jobs NOT delivered)")"
  done
done
python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
med = {}
for side in "ab":
    r = [[float(x) for x in l[1:5]] for l in rows if l[0] == side]
    med[side] = [statistics.median(c) for c in zip(*r)]
    print(f"{side.upper()} median: {med[side][0]:8.0f} jobs/s  {med[side][3]:6.1f} CPU ms / 1k (server {med[side][2]:.1f})")
print(f"B/A: throughput x{med['b'][0] / med['a'][0]:.2f}, CPU per job x{med['b'][3] / med['a'][3]:.2f}")
PY

if [ "${STATEMENTS:-0}" = 1 ]; then
  for v in a b; do
    fresh $v
    "${PSQL[@]}" -d run -c "create extension if not exists pg_stat_statements" \
      -c "select pg_stat_statements_reset()" >/dev/null
    run $v >/dev/null
    echo "== ${v^^}: statements by total execution time"
    "${PSQL[@]}" -d run -c "select calls, rows, round(total_exec_time::numeric) as ms,
      left(regexp_replace(query, '\s+', ' ', 'g'), 90) as statement from pg_stat_statements
      where query not like '%pg_stat_statements%' order by total_exec_time desc limit 8"
  done
fi
