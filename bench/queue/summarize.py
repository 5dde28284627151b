#!/usr/bin/env python3
"""Median table of bench/queue/run.sh's raw.jsonl, with AIPROD's ratios to the
targets of issue 7.   python3 bench/queue/summarize.py build/bench-queue/results/latest/raw.jsonl
"""
import json
import statistics
import sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
by_id = defaultdict(list)
errors = []
for r in rows:
    if "error" in r:
        errors.append(r)
    else:
        by_id[r["id"]].append(r)


def med(rs, key):
    xs = [r[key] for r in rs if isinstance(r.get(key), (int, float))]
    return statistics.median(xs) if xs else None


def rng(rs, key):
    xs = [r[key] for r in rs if isinstance(r.get(key), (int, float))]
    return f"{min(xs):.0f}–{max(xs):.0f}" if xs else "-"


def f(x, d=0):
    return "-" if x is None else f"{x:,.{d}f}"


print("| id | n | jobs/s (median) | range | CPU ms / 1k jobs | p50 ms | p99 ms | load1 |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
order = sorted(by_id, key=lambda i: (i.split(".")[1], i.split(".")[0] != "aiprod", i))
for i in order:
    rs = by_id[i]
    loads = [r.get("load1", 0) for r in rs]
    print(f"| {i} | {len(rs)} | {f(med(rs, 'jobs_per_s'))} | {rng(rs, 'jobs_per_s')} | "
          f"{f(med(rs, 'cpu_ms_per_1k'), 1)} | {f(med(rs, 'p50_ms'), 1)} | {f(med(rs, 'p99_ms'), 1)} | "
          f"{min(loads):.1f}–{max(loads):.1f} |")
for e in errors:
    print(f"\nerror: {e.get('id')} rep {e.get('rep')}: {e.get('error')}")

# Ratios against the targets.
print()
gw_b = {i: med(rs, "jobs_per_s") for i, rs in by_id.items() if i.startswith("gw.B.")}
best = max(gw_b, key=gw_b.get) if gw_b else None
if best:
    print(f"graphile-worker's best processing configuration here: {best} = "
          f"{f(gw_b[best])} jobs/s, {f(med(by_id[best], 'cpu_ms_per_1k'), 1)} CPU ms/1k")
# aiprod.B.p<procs>.c<threads per process>[.k<prefetch>]: scaling is read
# against 1 process with the same threads and prefetch.
def procs_conc(i):
    parts = dict((p[0], int(p[1:])) for p in i.split(".")[2:] if p[:1] in "pck" and p[1:].isdigit())
    return parts.get("p", 0), parts.get("c", 1), parts.get("k", 0)


for i in sorted((i for i in by_id if i.startswith("aiprod.B.p")), key=lambda i: procs_conc(i)[::-1]):
    jps = med(by_id[i], "jobs_per_s")
    cpu = med(by_id[i], "cpu_ms_per_1k")
    p, c, ahead = procs_conc(i)
    line = f"- {i}: {f(jps)} jobs/s"
    one = next((k for k in by_id if k.startswith("aiprod.B.") and procs_conc(k) == (1, c, ahead)),
               None)
    if one and p > 1:
        line += f" (x{jps / med(by_id[one], 'jobs_per_s'):.2f} of 1 process)"
    if best:
        line += (f"; vs {best}: throughput x{jps / gw_b[best]:.2f}, "
                 f"CPU per job x{cpu / med(by_id[best], 'cpu_ms_per_1k'):.2f}")
    print(line)
for i in sorted(i for i in by_id if i.startswith("aiprod.C.")):
    p99 = med(by_id[i], "p99_ms")
    line = f"- {i}: pickup p50 {f(med(by_id[i], 'p50_ms'), 1)} ms, p99 {f(p99, 1)} ms"
    line += f" (target <= 50 ms: {'met' if p99 <= 50 else 'NOT met'})"
    if "gw.C.default" in by_id:
        line += f"; graphile-worker p99 {f(med(by_id['gw.C.default'], 'p99_ms'), 1)} ms"
    print(line)
if "aiprod.A.single" in by_id and "gw.A.single" in by_id:
    a, g = med(by_id["aiprod.A.single"], "jobs_per_s"), med(by_id["gw.A.single"], "jobs_per_s")
    print(f"- enqueue one at a time: {f(a)} jobs/s vs graphile-worker addJob {f(g)} (x{a / g:.2f})")
