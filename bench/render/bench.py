#!/usr/bin/env python3
"""The render benchmarks (run through run.sh, which builds the binary).

Every figure is a ratio or a per-second cost measured in the same run, with
the contenders alternating round by round, so slow and fast periods of a
shared machine hit all of them alike. Load from other processes is measured
(CPU time of the whole machine minus ours, from /proc/stat) and reported with
the figures.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count() or 1


def busy_jiffies():
    with open("/proc/stat") as f:
        parts = [int(x) for x in f.readline().split()[1:]]
    idle = parts[3] + parts[4]  # idle + iowait
    return sum(parts[:8]) - idle


class Run:
    def __init__(self, wall, cpu, rss_mb, foreign):
        self.wall, self.cpu, self.rss_mb, self.foreign = wall, cpu, rss_mb, foreign


def timed(cmd, cwd=None, stdout=None, ok_codes=(0,)):
    """Runs cmd under /usr/bin/time; wall s, our CPU s, peak RSS MB, foreign cores."""
    tfile = os.path.join(ARGS.out, ".time")
    b0 = busy_jiffies()
    t0 = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", tfile] + cmd, cwd=cwd,
                       stdout=stdout or subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - t0
    busy = (busy_jiffies() - b0) / HZ
    if p.returncode not in ok_codes:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
    with open(tfile) as f:
        _, user, sys_, rss_kb = f.read().split()[-4:]
    cpu = float(user) + float(sys_)
    return Run(wall, cpu, int(rss_kb) / 1024, max(0.0, (busy - cpu) / wall))


def aiprod(*args):
    return [ARGS.aiprod] + list(args)


def median(xs):
    return statistics.median(xs)


def fmt_load(runs):
    return f"{median([r.foreign for r in runs]):.2f}"


def bench_ref10(rounds):
    ref = os.path.join(ARGS.root, "..", "shared", "reference")
    graphs = os.path.join(ref, "ref10-ffmpeg")
    manifest = os.path.join(ARGS.root, "bench", "ref10.json")
    out = ARGS.out
    # The frames of the plain encode: AIPROD's ref10, decoded once.
    first = os.path.join(out, "ref10-first.mp4")
    timed(aiprod("render", manifest, "-o", first))
    yuv = os.path.join(out, "ref10.yuv")
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", first,
                    "-f", "rawvideo", "-pix_fmt", "yuv420p", yuv], check=True)
    contenders = {
        "aiprod": aiprod("render", manifest, "-o", os.path.join(out, "ref10.mp4")),
        # Two segments encoded at once: faster, but two x264 encoders exceed 300 MB.
        "aiprod-450": ["env", "AIPROD_RENDER_MEMORY_BUDGET_MB=450"] +
        aiprod("render", manifest, "-o", os.path.join(out, "ref10-450.mp4")),
        "plain": ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "rawvideo",
                  "-pix_fmt", "yuv420p", "-s", "1920x1080", "-r", "30", "-i", yuv, "-c:v",
                  "libx264", "-preset", "veryfast", "-crf", "23", "-f", "mp4",
                  os.path.join(out, "plain.mp4")],
    }
    for name in ("ref10.filtergraph", "ref10_static.filtergraph"):
        path = os.path.join(graphs, name)
        if os.path.exists(path):
            contenders[name] = [
                "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                "-filter_complex_script", path, "-map", "[vout]", "-map", "[aout]", "-c:v",
                "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
                "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
                "-color_range", "tv", "-c:a", "aac", "-b:a", "128k", "-f", "mp4",
                os.path.join(out, name + ".mp4")]
    runs = {k: [] for k in contenders}
    for i in range(rounds):
        order = list(contenders) if i % 2 == 0 else list(reversed(contenders))
        for k in order:
            runs[k].append(timed(contenders[k], cwd=out))
            print(f"  ref10 round {i + 1} {k}: {runs[k][-1].wall:.2f} s", file=sys.stderr)
    os.remove(yuv)
    return runs


def bench_incremental(rounds, manifests):
    full, edit = [], []
    for i in range(rounds):
        cache = os.path.join(ARGS.out, "cache-six")
        shutil.rmtree(cache, ignore_errors=True)
        full.append(timed(aiprod("render", os.path.join(manifests, "six_scenes.json"), "-o",
                                 os.path.join(ARGS.out, "six.mp4"), "--cache-dir", cache)))
        edit.append(timed(aiprod("render", os.path.join(manifests, "six_scenes_edited.json"), "-o",
                                 os.path.join(ARGS.out, "six-edited.mp4"), "--cache-dir", cache)))
        print(f"  6 scenes round {i + 1}: full {full[-1].wall:.2f} s, "
              f"after one edit {edit[-1].wall:.2f} s", file=sys.stderr)
    return full, edit


def bench_qa(rounds, manifests):
    """Issue 5: QA of a 60 s 1080p video against its render time, alternating.

    The video is the 6-scene benchmark manifest rendered without a cache; QA is
    `aiprod qa` on it with the same manifest (technical checks, loudness, OCR of
    every scene, palette, captions). Exit 1 (a check failed) still measures the
    cost; run `aiprod qa` on the video to see the verdict."""
    manifest = os.path.join(manifests, "six_scenes.json")
    video = os.path.join(ARGS.out, "qa-six.mp4")
    render, qa = [], []
    for i in range(rounds):
        steps = [("render", lambda: render.append(timed(aiprod("render", manifest, "-o", video)))),
                 ("qa", lambda: qa.append(timed(aiprod("qa", video, "--manifest", manifest),
                                               ok_codes=(0, 1))))]
        if i % 2 == 1 and qa:  # alternate the order once a video exists
            steps.reverse()
        for name, step in steps:
            step()
        print(f"  QA round {i + 1}: render {render[-1].wall:.2f} s, qa {qa[-1].wall:.2f} s",
              file=sys.stderr)
    return render, qa


def bench_linear(rounds, manifests, lengths):
    runs = {n: [] for n in lengths}
    for i in range(rounds):
        order = lengths if i % 2 == 0 else list(reversed(lengths))
        for n in order:
            runs[n].append(timed(aiprod("render", os.path.join(manifests, f"linear_{n}.json"),
                                        "-o", os.path.join(ARGS.out, f"linear_{n}.mp4"))))
            print(f"  {n} s video round {i + 1}: {runs[n][-1].wall:.2f} s", file=sys.stderr)
    return runs


def report_qa(render, qa):
    r = median([x.wall for x in render])
    q = median([x.wall for x in qa])
    rc = median([x.cpu for x in render])
    qc = median([x.cpu for x in qa])
    return (f"- QA of the 60 s 1080p video (`aiprod qa six.mp4 --manifest six_scenes.json`): "
            f"{q:.2f} s wall, {qc:.2f} s CPU; its render {r:.2f} s wall, {rc:.2f} s CPU: "
            f"**{100 * q / r:.0f}%** of the render time ({100 * qc / rc:.0f}% of its CPU; "
            f"target ≤ 20%); peak RSS of QA {max(x.rss_mb for x in qa):.0f} MB; other load "
            f"{fmt_load(render + qa)}\n")


def report(ref, full, edit, linear, started, ended):
    lines = []
    w = lambda s: lines.append(s)
    a = median([r.wall for r in ref["aiprod"]])
    plain = median([r.wall for r in ref["plain"]])
    w(f"Run {time.strftime('%Y-%m-%d %H:%M', time.localtime())}, {NCPU} cores; load average "
      f"{started} at the start, {ended} at the end. Medians of alternating rounds; "
      "\"other load\" is the CPU used by other processes during our runs, in cores.")
    w("")
    w("| ref10 1080p30, veryfast, CRF 23 | wall s | realtime × | vs AIPROD | peak RSS MB | other load |")
    w("| --- | --- | --- | --- | --- | --- |")
    names = {"aiprod": "AIPROD (`aiprod render bench/ref10.json`)",
             "aiprod-450": "AIPROD with `render.memory_budget_mb = 450` (2 segments at once)",
             "plain": "plain encode of the same frames (raw yuv420p)",
             "ref10.filtergraph": "FFmpeg filter graph `ref10.filtergraph`",
             "ref10_static.filtergraph": "FFmpeg filter graph `ref10_static.filtergraph`"}
    for k, runs in ref.items():
        wall = median([r.wall for r in runs])
        w(f"| {names[k]} | {wall:.2f} | {10 / wall:.2f} | {a / wall:.2f} | "
          f"{max(r.rss_mb for r in runs):.0f} | {fmt_load(runs)} |")
    w("")
    graphs = [k for k in ref if k.endswith("filtergraph")]
    fastest = min((median([r.wall for r in ref[k]]) for k in graphs), default=None)
    pairs = [p.wall / r.wall for p, r in zip(ref["plain"], ref["aiprod"])]
    w(f"- AIPROD / plain encode realtime factor: **{plain / a:.2f}** (target ≥ 0.85); round by "
      f"round {', '.join(f'{x:.2f}' for x in pairs)}: median {median(pairs):.2f}")
    if ref.get("aiprod-450"):
        a450 = median([r.wall for r in ref["aiprod-450"]])
        w(f"- With a 450 MB budget (two encoders at once): **{plain / a450:.2f}**, peak RSS "
          f"{max(r.rss_mb for r in ref['aiprod-450']):.0f} MB")
    if fastest:
        w(f"- AIPROD vs the faster FFmpeg filter graph: **{fastest / a:.2f}×** its speed "
          "(target > 1)")
    w(f"- Peak RSS of AIPROD on ref10: **{max(r.rss_mb for r in ref['aiprod']):.0f} MB** "
      "(target ≤ 300)")
    if full:
        f_ = median([r.wall for r in full])
        e_ = median([r.wall for r in edit])
        w(f"- 6 scenes, 60 s: full render {f_:.2f} s, re-render after editing scene 3's title "
          f"{e_:.2f} s: **{100 * e_ / f_:.0f}%** of the full render (target ≤ 25%); other load "
          f"{fmt_load(full + edit)}")
    if linear:
        base = None
        cells = []
        for n, runs in linear.items():
            per = median([r.wall for r in runs]) / n
            base = base or per
            cells.append(f"{n} s: {median([r.wall for r in runs]):.1f} s "
                         f"({per:.3f} s per video second, {per / base:.2f}× the 10 s rate; "
                         f"peak RSS {max(r.rss_mb for r in runs):.0f} MB)")
        w("- Cost vs duration: " + "; ".join(cells) + f"; other load {fmt_load(sum(linear.values(), []))}")
    return "\n".join(lines) + "\n"


def update_docs(text, tag="render-bench", heading="Renderer (issue 3)"):
    path = os.path.join(ARGS.root, "docs", "BENCHMARKS.md")
    begin, end = f"<!-- {tag}:begin -->", f"<!-- {tag}:end -->"
    doc = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    block = f"{begin}\n{text}{end}"
    if begin in doc and end in doc:
        doc = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, doc, flags=re.S)
    else:
        doc += f"\n## {heading}\n\n{block}\n"
    with open(path, "w") as f:
        f.write(doc)


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--aiprod", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--update-docs", action="store_true")
    p.add_argument("--only", choices=["ref10", "incremental", "linear", "qa"])
    p.add_argument("--rounds", type=int, help="alternating rounds (default 3; 1 with --quick)")
    ARGS = p.parse_args()
    ARGS.aiprod = os.path.abspath(ARGS.aiprod)
    ARGS.out = os.path.abspath(ARGS.out)  # commands run inside it
    os.makedirs(ARGS.out, exist_ok=True)
    manifests = os.path.join(ARGS.out, "manifests")
    subprocess.run([sys.executable, os.path.join(ARGS.root, "bench", "render", "make_manifests.py"),
                    manifests], check=True)
    rounds = ARGS.rounds or (1 if ARGS.quick else 3)
    started = " ".join(open("/proc/loadavg").read().split()[:3])
    ref = bench_ref10(rounds) if ARGS.only in (None, "ref10") else {"aiprod": [], "plain": []}
    full, edit = bench_incremental(rounds, manifests) if ARGS.only in (None, "incremental") else ([], [])
    linear = {}
    if ARGS.only in (None, "linear"):
        linear = bench_linear(1 if ARGS.quick else 2, manifests, [10, 60] if ARGS.quick else [10, 60, 300])
    qa_text = ""
    if ARGS.only in (None, "qa"):
        qa_text = report_qa(*bench_qa(rounds, manifests))
        print(qa_text)
    ended = " ".join(open("/proc/loadavg").read().split()[:3])
    if not ref["aiprod"]:
        ref = None
    text = report(ref, full, edit, linear, started, ended) if ref else ""
    if not ref:
        print("(ref10 skipped)")
    print(text)
    with open(os.path.join(ARGS.out, "results.md"), "w") as f:
        f.write(text)
    if ARGS.update_docs and ref:
        update_docs(text)
    if ARGS.update_docs and qa_text:
        stamp = time.strftime('%Y-%m-%d %H:%M', time.localtime())
        update_docs(f"Run {stamp}, {NCPU} cores, medians of {rounds} alternating rounds.\n\n"
                    + qa_text, "qa-bench", "QA cost (issue 5)")


if __name__ == "__main__":
    main()
