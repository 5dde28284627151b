#!/usr/bin/env bash
# Queue benchmark (issue 7): AIPROD's PostgreSQL queue and the peers of
# ../shared/peers/queue (graphile-worker, pg-boss, plain SQL) on ONE private
# PostgreSQL cluster, in one run, repetitions interleaved, medians reported.
#
#   bench/queue/run.sh [BUILD_DIR]          (default build/bench-queue)
#
# Build first:  cmake --preset release -B build/bench-queue -DAIPROD_TESTS=OFF -DAIPROD_BENCH=ON
#               ninja -C build/bench-queue -j1 queue_bench
# Knobs (env):  REPS=3  PEERS="gw pgb sql" (suites of the peers harness; "" = AIPROD only)
#               N_PROC=20000 (process)  N_SINGLE=2000 (enqueue)  LAT_SECS=10
#               LAT_RATES="200 20" (jobs/s offered in the latency runs; the peers use 200)
#               PROCS="1 2 4"  CONC="1 16" (threads per worker process, like
#               `aiprod worker --concurrency`)  LAT_CONC="1 4" (threads of the latency worker)
#               PREFETCH="0 256" (jobs a worker process leases ahead, `queue.prefetch`;
#               ids of runs with K > 0 end in .kK)
# Output:       BUILD_DIR/results/<stamp>/{raw.jsonl,uptime.log,summary.md,logs/} (+ results/latest)
#
# The peers harness is copied to BUILD_DIR/peers (../shared stays untouched; npm
# installs there) and its pgctl.sh is replaced by a shim pointing at this
# run's cluster, so every library is measured on the same server.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/bench-queue}" && pwd)
BIN=$BUILD/bench/queue_bench
PEERS_SRC=${PEERS_SRC:-$ROOT/../shared/peers/queue}
REPS=${REPS:-3}
PEERS=${PEERS-"gw pgb sql"}
N_PROC=${N_PROC:-20000}
N_SINGLE=${N_SINGLE:-2000}
LAT_RATES=${LAT_RATES:-"200 20"}
LAT_SECS=${LAT_SECS:-10}
PROCS=${PROCS:-"1 2 4"}
CONC=${CONC:-"1 16"}
LAT_CONC=${LAT_CONC:-"1 4"}
PREFETCH=${PREFETCH:-"0 256"}
[ -x "$BIN" ] || { echo "run.sh: $BIN not built (see the header of this script)" >&2; exit 1; }

STAMP=$(date +%Y%m%d-%H%M%S)
OUT=$BUILD/results/$STAMP
mkdir -p "$OUT/logs"
ln -sfn "$STAMP" "$BUILD/results/latest"
RAW=$OUT/raw.jsonl; : >"$RAW"
ULOG=$OUT/uptime.log; : >"$ULOG"

# ---------------------------------------------------------------- cluster
STATE=$OUT/pg
cleanup() {
  local rc=$?
  set +e
  "$ROOT/scripts/pg-cluster" stop "$STATE" >/dev/null
  [ $rc -ne 0 ] && echo "run.sh: FAILED (rc=$rc); logs in $OUT/logs" >&2
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$ROOT/scripts/pg-cluster" start "$STATE"
URL=$(cat "$STATE/url")
PORT=$(cat "$STATE/port")
PGDATA=$(cat "$STATE/datadir")/data
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres)
dburl() { echo "${URL%/*}/$1"; }

# ---------------------------------------------------------------- peers harness (a copy)
PEERS_DIR=$BUILD/peers
if [ -n "$PEERS" ]; then
  mkdir -p "$PEERS_DIR"
  (cd "$PEERS_SRC" && tar cf - --exclude=node_modules --exclude=results .) | (cd "$PEERS_DIR" && tar xf -)
  chmod -R u+w "$PEERS_DIR"
  cat >"$PEERS_DIR/pgctl.sh" <<'SHIM'
#!/usr/bin/env bash
# Shim written by bench/queue/run.sh: the cluster belongs to that script.
set -euo pipefail
PORT=${PEERS_PG_PORT:?}
case "${1:-}" in
  start) pg_isready -q -h 127.0.0.1 -p "$PORT" && echo "pgctl (shim): using the cluster on 127.0.0.1:$PORT" ;;
  stop) echo "pgctl (shim): cluster left to bench/queue/run.sh" ;;
  status) pg_isready -h 127.0.0.1 -p "$PORT" ;;
  psql) shift; exec psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres "$@" ;;
  *) echo "usage: $0 start|stop|status|psql [args]" >&2; exit 2 ;;
esac
SHIM
fi

{
  echo "date: $(date -Is)"
  echo "host: $(uname -srm); cpus: $(nproc)"
  echo "postgres: $("${PSQL[@]}" -Atc 'select version()')"
  "${PSQL[@]}" -Atc "select 'settings: ' || string_agg(name || '=' || setting, ' ' order by name) from pg_settings
                     where name in ('fsync','synchronous_commit','full_page_writes','wal_sync_method','shared_buffers','max_connections')"
  echo "aiprod: $(git -C "$ROOT" rev-parse --short HEAD) $(git -C "$ROOT" status --short -- src | wc -l) modified files under src/"
} | tee "$OUT/env.txt"

# ---------------------------------------------------------------- AIPROD templates
"${PSQL[@]}" -c "set client_min_messages = warning" -c "drop database if exists aiprod_run" \
  -c "drop database if exists aiprod_empty_tpl" -c "drop database if exists aiprod_full_tpl" \
  -c "create database aiprod_empty_tpl" -c "create database aiprod_full_tpl"
"$BIN" prefill --url "$(dburl aiprod_empty_tpl)" --jobs 0 2>>"$OUT/logs/template.log"
echo "== prefilling $N_PROC jobs into the template (untimed)"
"$BIN" prefill --url "$(dburl aiprod_full_tpl)" --jobs "$N_PROC" 2>>"$OUT/logs/template.log"
"${PSQL[@]}" -d aiprod_full_tpl -c "vacuum analyze"

fresh_db() { # $1 = empty|full
  "${PSQL[@]}" -c "set client_min_messages = warning" -c "drop database if exists aiprod_run" \
    -c "create database aiprod_run template aiprod_$1_tpl"
  "${PSQL[@]}" -c checkpoint
}

idle_pct() { # machine-wide idle CPU % over 1 s (same as the peers harness)
  local a b
  read -r -a a </proc/stat; sleep 1; read -r -a b </proc/stat
  local t1=0 t2=0 i
  for i in 1 2 3 4 5 6 7 8; do t1=$((t1 + a[i])); t2=$((t2 + b[i])); done
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) tot=$((t2 - t1))
  echo $(( tot > 0 ? 100 * idle / tot : 0 ))
}

aiprod() { # id rep mode args...
  local id=$1 rep=$2 mode=$3; shift 3
  local log=$OUT/logs/$id.rep$rep.log json rc=0
  echo "$(date +%T) rep=$rep $id :: $(uptime)" >>"$ULOG"
  local idle load1; idle=$(idle_pct); load1=$(awk '{print $1}' /proc/loadavg)
  json=$(timeout 900 "$BIN" "$mode" --url "$(dburl aiprod_run)" --pgdata "$PGDATA" --label "$id" "$@" \
    2>"$log" | tail -n 1) || rc=$?
  if [ "$rc" -ne 0 ] || [[ "$json" != \{* ]]; then
    echo "run.sh: $id rep $rep failed (rc=$rc), see $log" >&2
    json=$(printf '{"lib":"aiprod","test":"%s","error":"exit %s (logs/%s)"}' "$mode" "$rc" "$(basename "$log")")
  fi
  printf '{"id":"%s","rep":%s,"load1":%s,"idle_pct":%s,%s\n' "$id" "$rep" "$load1" "$idle" "${json#\{}" | tee -a "$RAW"
}

suite_aiprod() { local r=$1 p c k id states
  fresh_db empty; aiprod aiprod.A.single "$r" enqueue --jobs "$N_SINGLE"
  for k in $PREFETCH; do
    for c in $CONC; do
      for p in $PROCS; do
        id=aiprod.B.p$p.c$c; [ "$k" -eq 0 ] || id=$id.k$k
        fresh_db full
        aiprod "$id" "$r" process --jobs "$N_PROC" --procs "$p" --concurrency "$c" --prefetch "$k"
        states=$("${PSQL[@]}" -d aiprod_run -Atc "select string_agg(state || '=' || n, ' ') from
          (select state, count(*) n from jobs group by state order by state) s")
        echo "$(date +%T) rep=$r $id :: job states after the run: $states" >>"$ULOG"
        [ "$states" = "delivered=$N_PROC" ] || echo "run.sh: $id left $states" >&2
      done
    done
  done
  local rate
  for c in $LAT_CONC; do
    for rate in $LAT_RATES; do
      fresh_db empty
      aiprod "aiprod.C.notify.r$rate.c$c" "$r" latency --jobs $((rate * LAT_SECS)) --rate "$rate" \
        --concurrency "$c"
    done
  done
}

suite_peers() { local r=$1 latest
  [ -n "$PEERS" ] || return 0
  # One repetition of the chosen suites; the harness writes its own results dir.
  (cd "$PEERS_DIR" && REPS=1 ONLY="$PEERS" PEERS_PG_PORT=$PORT PEERS_PG_DATA=$PGDATA \
    bash ./run.sh >"$OUT/logs/peers.rep$r.log" 2>&1) || echo "run.sh: peers rep $r failed (logs/peers.rep$r.log)" >&2
  latest=$(readlink -f "$PEERS_DIR/results/latest")
  sed "s/\"rep\":1,/\"rep\":$r,/" "$latest/raw.jsonl" | tee -a "$RAW"
  sed "s/ rep=1 / rep=$r /" "$latest/uptime.log" >>"$ULOG"
  cp "$latest/env.txt" "$OUT/logs/peers.env.rep$r.txt"
}

T0=$(date +%s)
for rep in $(seq 1 "$REPS"); do
  echo "== repetition $rep/$REPS ($(uptime))"
  # Alternate the order so neither side always runs first in a repetition.
  if [ $((rep % 2)) -eq 1 ]; then suite_aiprod "$rep"; suite_peers "$rep"
  else suite_peers "$rep"; suite_aiprod "$rep"; fi
done
echo "== measurements took $(( $(date +%s) - T0 )) s"

python3 "$ROOT/bench/queue/summarize.py" "$RAW" | tee "$OUT/summary.md"
echo "raw results: $RAW"
