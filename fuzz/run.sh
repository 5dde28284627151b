#!/usr/bin/env bash
# Builds the fuzz targets (AIPROD_FUZZ=ON, in build/fuzz) and runs each one
# briefly from its seed corpus. Usage: fuzz/run.sh [SECONDS_PER_TARGET] (default 10).
# Exits non-zero when a target crashes; the crashing input is left in
# build/fuzz/artifacts/. Needs clang (for its libFuzzer runtime): scripts/setup.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
jobs=${AIPROD_FUZZ_JOBS:-2}
build=${AIPROD_FUZZ_BUILD:-build/fuzz}
# -O0 builds three times faster than -O2 and is plenty for the short runs of CI;
# for a long campaign use FUZZ_CXXFLAGS="-O2 -g" AIPROD_FUZZ_BUILD=build/fuzz-o2.
flags=${FUZZ_CXXFLAGS:--O0 -g1}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Fuzz -DCMAKE_CXX_FLAGS_FUZZ="$flags" \
  -DAIPROD_FUZZ=ON -DAIPROD_TESTS=OFF >/dev/null
targets=(fuzz_request_json fuzz_manifest fuzz_jwt fuzz_http_request)
cmake --build "$build" -j "$jobs" --target "${targets[@]}"
mkdir -p "$build/artifacts"
status=0
for t in "${targets[@]}"; do
  corpus="$build/corpus/${t#fuzz_}"
  mkdir -p "$corpus"
  cp -n fuzz/corpus/"${t#fuzz_}"/* "$corpus"/ 2>/dev/null || true
  echo "== $t (${seconds}s)"
  if ! ASAN_OPTIONS=detect_leaks=0 "$build/fuzz/$t" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$build/artifacts/$t-" "$corpus" 2>"$build/$t.log"; then
    echo "$t FAILED; see $build/$t.log" >&2
    tail -40 "$build/$t.log" >&2
    status=1
  else
    grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$build/$t.log" || true
  fi
done
exit $status
