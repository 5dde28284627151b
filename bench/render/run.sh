#!/usr/bin/env bash
# Render benchmarks of issue 3 (see README.md here). Builds the release
# preset, then runs bench.py, which measures in one run, alternating:
#   ref10 by AIPROD vs the plain encode of the same frames vs the two FFmpeg
#   filter graphs; peak memory; a 6-scene 60 s render and its re-render after
#   one edit; 10/60/300 s renders (cost vs duration); QA of the 60 s video
#   against its render time (issue 5).
#
#   bench/render/run.sh                 full run (about 15-25 minutes on 2 cores)
#   bench/render/run.sh --quick         1 round, no 300 s video
#   bench/render/run.sh --update-docs   also rewrite the render and QA sections of docs/BENCHMARKS.md
#   bench/render/run.sh --only qa       only the QA cost (issue 5): QA of a 60 s 1080p video vs its render
#   bench/render/run.sh --rounds 9      more alternating rounds (default 3)
#
# Environment: BUILD_DIR (default build/release), OUT (default build/bench-render),
# JOBS (ninja -j, default 2).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build/release}"
OUT="${OUT:-$ROOT/build/bench-render}"
cd "$ROOT"
cmake --preset release -B "$BUILD_DIR" >/dev/null
ninja -C "$BUILD_DIR" -j "${JOBS:-2}" aiprod >/dev/null
exec python3 "$ROOT/bench/render/bench.py" --aiprod "$BUILD_DIR/src/cli/aiprod" --out "$OUT" \
  --root "$ROOT" "$@"
