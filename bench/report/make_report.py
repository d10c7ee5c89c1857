#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# make_report.py: turns the figures bench/run-all.sh collected (results.tsv, diff.txt, emacs.txt,
# machine.txt, cdf.*) into docs/benchmarks.md and gnuplot PNGs in docs/bench/.
"""Usage: make_report.py --results DIR --docs DOCS_DIR"""
import argparse
import re
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

SLOW_CALL_MS = 500.0


def load_results(path):
    """{(section, server, mode, clients, metric): [values in run order]}"""
    res = defaultdict(list)
    for line in path.read_text().splitlines():
        parts = line.split("\t")
        if len(parts) != 7 or parts[6] == "":
            continue
        sec, server, mode, clients, _run, metric, value = parts
        res[(sec, server, mode, int(clients), metric)].append(float(value))
    return res


def mmm(values):
    if not values:
        return None
    return (min(values), statistics.median(values), max(values))


def fmt(x, digits=0):
    if x is None:
        return "n/a"
    return f"{x:,.{digits}f}"


def fmt3(t, digits=0):
    if t is None:
        return "n/a"
    return " / ".join(fmt(v, digits) for v in t)


def parse_diff(text):
    rows = []
    pat = re.compile(r"^\s*(\d+)\s+(\d+)\s+([\d.]+)ms\s+([\d.]+)ms\s+([\d.]+)ms\s+([\d.]+)ms\s+\S+\s+\S+\s+(\S+)")
    for line in text.splitlines():
        m = pat.match(line)
        if m:
            rows.append(dict(lines=int(m[1]), edits=int(m[2]), lib=float(m[3]), proc=float(m[4]),
                             git=float(m[5]), gnu=float(m[6]), same=m[7]))
    return rows


EMACS_NAMES = r"(module \(tape\)|module \(text\+json-parse\)|elisp|jsonrpc\.el \(LSP\))"


def parse_emacs(text):
    pings, late = {}, {}
    p1 = re.compile(EMACS_NAMES + r"\s+sequential\s+(\d+) req/s \(p50\s+(\d+) us, p99\s+(\d+) us\)"
                    r"\s+pipelined\s+(\d+) req/s \(runs ([\d/]+)\)")
    p2 = re.compile(EMACS_NAMES + r"\s+(string|objects)\s+([\d.]+) MB: timer lateness worst\s+([\d.]+) ms,"
                    r" median\s+([\d.]+) ms \(runs ([\d/]+)\); reply in\s+(\d+) ms; main thread in receive\s+(\d+) ms"
                    r"(?:; garbage collection\s+(\d+) ms; worst without a collection\s+([\d.]+) ms)?")
    p3 = re.compile(r"garbage collection, 5 MB (string|objects)\s+reply as Lisp:\s+([\d.]+) ms while it is live,"
                    r"\s+([\d.]+) ms once it is garbage")
    floors = {}
    for line in text.splitlines():
        m = p1.match(line)
        if m:
            runs = [float(x) for x in m[6].split("/")]
            pings[m[1]] = dict(seq=float(m[2]), p50=float(m[3]), p99=float(m[4]), pipe=float(m[5]), runs=runs)
        m = p2.match(line)
        if m:
            runs = [float(x) for x in m[6].split("/")]
            late[(m[1], m[2])] = dict(mb=float(m[3]), worst=float(m[4]), median=float(m[5]), runs=runs,
                                      wall=float(m[7]), receive=float(m[8]),
                                      gc=float(m[9]) if m[9] else None, nogc=float(m[10]) if m[10] else None)
        m = p3.match(line)
        if m:
            floors[m[1]] = (float(m[2]), float(m[3]))
    # One collection's cost with each shape's reply held as Lisp data, shared by every client.
    for (_, shape), x in late.items():
        x["floor"] = floors.get(shape)
    return pings, late


def verdict(ok):
    if ok is None:
        return "n/a"
    return "met" if ok else "**MISSED**"


def gnuplot(script, cwd):
    try:
        subprocess.run(["gnuplot"], input=script, text=True, cwd=cwd, check=True,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return True
    except (OSError, subprocess.CalledProcessError) as e:
        err = getattr(e, "stderr", "") or str(e)
        print(f"make_report.py: gnuplot failed: {err}", file=sys.stderr)
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True, type=Path)
    ap.add_argument("--docs", required=True, type=Path)
    args = ap.parse_args()
    rdir, docs = args.results, args.docs
    plots = docs / "bench"
    plots.mkdir(parents=True, exist_ok=True)

    res = load_results(rdir / "results.tsv")
    machine = (rdir / "machine.txt").read_text().strip().splitlines()
    minfo = dict(line.split(": ", 1) for line in machine if ": " in line)
    diff_rows = parse_diff((rdir / "diff.txt").read_text()) if (rdir / "diff.txt").exists() else []
    emacs_text = (rdir / "emacs.txt").read_text() if (rdir / "emacs.txt").exists() else ""
    epings, elate = parse_emacs(emacs_text)

    def get(sec, server, mode, clients, metric):
        return res.get((sec, server, mode, clients, metric), [])

    servers = ["ceiling", "lamp", "python"]
    runs_spec = [("latency", 1), ("throughput", 1), ("throughput", 8), ("throughput", 64)]
    med = lambda v: statistics.median(v) if v else None  # noqa: E731
    ratio = lambda a, b: (a / b) if (a is not None and b) else None  # noqa: E731

    # ---- targets --------------------------------------------------------------------------
    targets = []  # (name, target text, figure text, ratio text, ok, note)
    lp50 = med(get("ping", "lamp", "latency", 1, "p50_us"))
    cp50 = med(get("ping", "ceiling", "latency", 1, "p50_us"))
    pp50 = med(get("ping", "python", "latency", 1, "p50_us"))
    r = ratio(lp50, cp50)
    targets.append(("ping p50, 1 client", "≤ 1.2 × ceiling p50",
                    f"lamp {fmt(lp50, 1)} µs, ceiling {fmt(cp50, 1)} µs, python {fmt(pp50, 1)} µs",
                    f"{fmt(r, 2)} × ceiling", None if r is None else r <= 1.2))
    l64 = med(get("ping", "lamp", "throughput", 64, "rps"))
    c64 = med(get("ping", "ceiling", "throughput", 64, "rps"))
    p64 = med(get("ping", "python", "throughput", 64, "rps"))
    r = ratio(l64, c64)
    rp = ratio(l64, p64)
    targets.append(("throughput, 64 clients", "≥ 0.7 × ceiling and ≥ 5 × python",
                    f"lamp {fmt(l64)}, ceiling {fmt(c64)}, python {fmt(p64)} req/s",
                    f"{fmt(r, 2)} × ceiling ({fmt(rp, 1)} × python)",
                    None if r is None or rp is None else r >= 0.7 and rp >= 5))
    over = {}
    for s in ("lamp", "python"):
        d = get("chat", s, "overhead", 1, "direct_p50_us")
        p = get("chat", s, "overhead", 1, "proxy_p50_us")
        over[s] = [b - a for a, b in zip(d, p)]
    lo = med(over["lamp"])
    targets.append(("proxy overhead p50", "≤ 1 ms",
                    f"lamp {fmt(lo)} µs added (python {fmt(med(over['python']))} µs)",
                    f"{fmt(ratio(lo, 1000), 2)} × target", None if lo is None else lo <= 1000))
    sc = med(get("chat", "lamp", "slow100_conns", 100, "wall_ms"))
    sp = med(get("chat", "lamp", "slow100_pipelined", 100, "wall_ms"))
    sy = med(get("chat", "python", "slow100_conns", 100, "wall_ms"))
    worst_lamp = max([x for x in (sc, sp) if x is not None], default=None)
    targets.append(("100 concurrent 500 ms calls", "≤ 1.3 × one call",
                    f"lamp {fmt(sc)} ms (100 conns), {fmt(sp)} ms (1 conn, pipelined); python {fmt(sy)} ms",
                    f"{fmt(ratio(worst_lamp, SLOW_CALL_MS), 2)} × one call (python {fmt(ratio(sy, SLOW_CALL_MS), 2)} ×)",
                    None if worst_lamp is None else worst_lamp <= 1.3 * SLOW_CALL_MS))
    if diff_rows:
        worst = max(diff_rows, key=lambda d: d["lib"] / d["git"])
        worst_p = max(diff_rows, key=lambda d: d["proc"] / d["git"])
        r = worst["lib"] / worst["git"]
        targets.append(("diff generation", "≤ 1.5 × git",
                        f"worst case {worst['lines']:,} lines / {worst['edits']} edits: lamp {worst['lib']:.2f} ms, "
                        f"git {worst['git']:.2f} ms",
                        f"{r:.2f} × git (in-process; as a process: up to {worst_p['proc'] / worst_p['git']:.2f} ×)",
                        r <= 1.5))
    else:
        targets.append(("diff generation", "≤ 1.5 × git", "not measured", "n/a", None))
    mod, jr = epings.get("module (tape)"), epings.get("jsonrpc.el (LSP)")
    if mod and jr:
        r = mod["pipe"] / jr["pipe"]
        targets.append(("Emacs module vs jsonrpc.el", "≥ 3 ×",
                        f"pipelined pings: module {mod['pipe']:,.0f}, jsonrpc.el {jr['pipe']:,.0f} req/s "
                        f"(sequential {mod['seq'] / jr['seq']:.1f} ×)", f"{r:.1f} ×", r >= 3))
    else:
        targets.append(("Emacs module vs jsonrpc.el", "≥ 3 ×", "not measured", "n/a", None))
    ml = [elate[k] for k in (("module (tape)", "string"), ("module (tape)", "objects")) if k in elate]
    if ml:
        w = max(x["worst"] for x in ml)
        targets.append(("UI lateness, 5 MB reply (module)", "≤ 10 ms",
                        "worst " + ", ".join(f"{s} {elate[('module (tape)', s)]['worst']:.1f} ms"
                                             for s in ("string", "objects") if ("module (tape)", s) in elate),
                        f"{w / 10:.2f} × target", w <= 10))
    else:
        targets.append(("UI lateness, 5 MB reply (module)", "≤ 10 ms", "not measured", "n/a", None))
    idle = med(get("mem", "lamp", "idle", 0, "rss_kb"))
    busy = med(get("mem", "lamp", "conns", 1000, "rss_kb"))
    idle_pss = med(get("mem", "lamp", "idle", 0, "pss_kb"))
    targets.append(("lamp idle RSS", "≤ 10 MB",
                    f"{fmt(idle / 1024 if idle else None, 1)} MB (PSS {fmt(idle_pss / 1024 if idle_pss else None, 1)} MB)",
                    f"{fmt(ratio(idle, 10240), 2)} × target", None if idle is None else idle <= 10240))
    per = (busy - idle) / 1000 if (busy is not None and idle is not None) else None
    targets.append(("RSS per idle connection (1000)", "≤ 64 KB", f"{fmt(per, 1)} KB",
                    f"{fmt(ratio(per, 64), 2)} × target", None if per is None else per <= 64))

    # ---- plots ------------------------------------------------------------------------------
    made = []
    # latency CDF: the latency run whose p50 was the median, per server
    cdf_files = {}
    for s in servers:
        p = get("ping", s, "latency", 1, "p50_us")
        if not p:
            continue
        m = statistics.median_low(p)
        rnd = p.index(m) + 1
        f = rdir / f"cdf.{s}.{rnd}"
        if f.exists():
            cdf_files[s] = f
    if cdf_files:
        lines = ", ".join(f"'{f}' using 2:1 with lines lw 2 title '{s}'" for s, f in cdf_files.items())
        if gnuplot(f"""set terminal pngcairo size 900,560 font ',11'
set output 'latency_cdf.png'
set title 'ping latency CDF, 1 client (round with the median p50)'
set xlabel 'latency (µs, log scale)'; set ylabel 'fraction of requests'
set logscale x; set grid; set key bottom right; set yrange [0:1]
plot {lines}
""", plots):
            made.append("latency_cdf.png")
    # throughput vs clients
    with open(rdir / "throughput.dat", "w") as f:
        for i, s in enumerate(servers):
            f.write(f"# {s}\n")
            for c in (1, 8, 64):
                t = mmm(get("ping", s, "throughput", c, "rps"))
                if t:
                    f.write(f"{c} {t[1]} {t[0]} {t[2]}\n")
            f.write("\n\n")
    if gnuplot(f"""set terminal pngcairo size 900,560 font ',11'
set output 'throughput.png'
set title 'ping throughput vs clients (median, bars: min-max of runs)'
set xlabel 'clients (log scale)'; set ylabel 'requests/s'
set logscale x; set xtics (1, 8, 64); set grid; set key top left; set yrange [0:*]
plot for [i=0:2] '{rdir / 'throughput.dat'}' index i using 1:2:3:4 with yerrorlines lw 2 \
  title word('ceiling lamp python', i+1)
""", plots):
        made.append("throughput.png")
    # diff time vs size, log-log, 100 edits
    if diff_rows:
        with open(rdir / "diff.dat", "w") as f:
            for d in diff_rows:
                if d["edits"] == 100:
                    f.write(f"{d['lines']} {d['lib']} {d['proc']} {d['git']} {d['gnu']}\n")
        if gnuplot(f"""set terminal pngcairo size 900,560 font ',11'
set output 'diff.png'
set title 'unified diff time vs file size (100 edits, min of repeats)'
set xlabel 'lines'; set ylabel 'ms'
set logscale xy; set grid; set key top left
plot '{rdir / 'diff.dat'}' using 1:2 with linespoints lw 2 title 'lamp (in-process)', \
     '' using 1:3 with linespoints lw 2 title 'lamp (bench_diff process)', \
     '' using 1:4 with linespoints lw 2 title 'git diff --no-index', \
     '' using 1:5 with linespoints lw 2 title 'diff -u'
""", plots):
            made.append("diff.png")

    # ---- markdown ---------------------------------------------------------------------------
    out = []
    w = out.append
    w("<!-- SPDX-License-Identifier: GPL-3.0-or-later -->")
    w("<!-- docs/benchmarks.md: generated by bench/run-all.sh (bench/report/make_report.py); do not edit. -->")
    w("")
    w("# Benchmarks")
    w("")
    w(f"Generated by `bench/run-all.sh` on {minfo.get('date', '?')} in {minfo.get('elapsed_s', '?')} s. "
      "Every figure below comes from that one run on one machine; the baselines ran in the same "
      "invocation. Triples are **min / median / max** over the runs; targets are judged on the median.")
    w("")
    w("## Machine")
    w("")
    w("```")
    w("\n".join(line for line in machine if not line.startswith("elapsed_s")))
    w("```")
    w("")
    w("## Targets")
    w("")
    w("| target | goal | figures | ratio | verdict |")
    w("|---|---|---|---|---|")
    for name, goal, fig, rat, ok in targets:
        w(f"| {name} | {goal} | {fig} | {rat} | {verdict(ok)} |")
    w("")
    missed = [t for t in targets if t[4] is False]
    if missed:
        w("### Missed targets: what limits them")
        w("")
        notes = limits_notes(res, get, elate, diff_rows, over, rdir)
        for name, _goal, fig, rat, _ok in missed:
            w(f"- **{name}**: {fig} ({rat}). {notes.get(name, '')}")
        w("")

    w("## Ping: lamp vs the C ceiling vs the Python baseline")
    w("")
    nround = len(get("ping", "lamp", "latency", 1, "p50_us"))
    w(f"`ping_load` (C, epoll, closed loop, every reply checked) against each server; {nround} rounds, "
      "the three servers interleaved within each round. Latency run: server and load generator pinned to "
      "CPU 0; throughput runs: server on CPU 0, load generator on CPU 1.")
    w("")
    w("| server | run | clients | req/s | p50 µs | p99 µs |")
    w("|---|---|---|---|---|---|")
    for s in servers:
        for mode, c in runs_spec:
            w(f"| {s} | {mode} | {c} | {fmt3(mmm(get('ping', s, mode, c, 'rps')))} | "
              f"{fmt3(mmm(get('ping', s, mode, c, 'p50_us')), 1)} | {fmt3(mmm(get('ping', s, mode, c, 'p99_us')), 1)} |")
    w("")
    w("Ratios of medians:")
    w("")
    w("| run | clients | lamp/ceiling req/s | lamp/python req/s | lamp/ceiling p50 | lamp/python p50 |")
    w("|---|---|---|---|---|---|")
    for mode, c in runs_spec:
        g = lambda s, m: med(get("ping", s, mode, c, m))  # noqa: E731
        w(f"| {mode} | {c} | {fmt(ratio(g('lamp', 'rps'), g('ceiling', 'rps')), 2)} | "
          f"{fmt(ratio(g('lamp', 'rps'), g('python', 'rps')), 2)} | "
          f"{fmt(ratio(g('lamp', 'p50_us'), g('ceiling', 'p50_us')), 2)} | "
          f"{fmt(ratio(g('lamp', 'p50_us'), g('python', 'p50_us')), 2)} |")
    w("")
    for p in ("latency_cdf.png", "throughput.png"):
        if p in made:
            w(f"![{p}](bench/{p})")
            w("")

    w("## Chat: proxy overhead and slow upstream calls")
    w("")
    w("Against `tests/fixtures/fake_upstream.py` on 127.0.0.1. Overhead: `chat_bench --mode overhead` "
      "(200 sequential calls through the server vs 200 direct libcurl calls, same run; 3 runs). Slow calls: "
      "upstream delay 500 ms, 100 calls at once on 100 connections (the Python baseline serves one request "
      "per connection at a time), and for lamp also 100 calls pipelined on one connection; lamp runs with "
      "`LAMP_MAX_CONCURRENCY=100`, the Python baseline with a 128-thread executor.")
    w("")
    w("| server | direct p50 µs | through server p50 µs | added p50 µs | through server p99 µs |")
    w("|---|---|---|---|---|")
    for s in ("lamp", "python"):
        w(f"| {s} | {fmt3(mmm(get('chat', s, 'overhead', 1, 'direct_p50_us')))} | "
          f"{fmt3(mmm(get('chat', s, 'overhead', 1, 'proxy_p50_us')))} | {fmt3(mmm(over[s]))} | "
          f"{fmt3(mmm(get('chat', s, 'overhead', 1, 'proxy_p99_us')))} |")
    w("")
    w("| server | 100 × 500 ms calls | wall ms | × one call (median) |")
    w("|---|---|---|---|")
    for s, mode, label in (("lamp", "slow100_conns", "100 connections"),
                           ("lamp", "slow100_pipelined", "1 connection, pipelined"),
                           ("python", "slow100_conns", "100 connections")):
        t = mmm(get("chat", s, mode, 100, "wall_ms"))
        w(f"| {s} | {label} | {fmt3(t)} | {fmt(ratio(t[1] if t else None, SLOW_CALL_MS), 2)} |")
    w("")

    w("## Memory")
    w("")
    w("VmRSS from `/proc/PID/status` of a fresh server after one ping, then with 1000 connections open "
      "(each served one ping, then left idle); PSS from `/proc/PID/smaps_rollup` (shared library pages "
      "divided among the processes that map them) of the idle server.")
    w("")
    w("| server | idle RSS | idle PSS | RSS with 1000 connections | per connection |")
    w("|---|---|---|---|---|")
    for s in ("lamp", "python"):
        i = med(get("mem", s, "idle", 0, "rss_kb"))
        p = med(get("mem", s, "idle", 0, "pss_kb"))
        b = med(get("mem", s, "conns", 1000, "rss_kb"))
        pc = (b - i) / 1000 if (i is not None and b is not None) else None
        w(f"| {s} | {fmt(i / 1024 if i else None, 1)} MB | {fmt(p / 1024 if p else None, 1)} MB | "
          f"{fmt(b / 1024 if b else None, 1)} MB | {fmt(pc, 1)} KB |")
    w("")

    w("## Diff generation: lamp vs `git diff --no-index` vs `diff -u`")
    w("")
    if diff_rows:
        w("From `bench/diff/run.sh` (each figure is the minimum of 5-9 repeats inside the tool). "
          "*lamp* is the library call lamp makes in-process; *lamp proc* runs the same diff in a fresh "
          "`bench_diff` process, to compare with the git and GNU diff processes including their start-up.")
        w("")
        w("| lines | edits | lamp ms | lamp proc ms | git ms | diff -u ms | lamp/git | same hunks as git |")
        w("|---|---|---|---|---|---|---|---|")
        for d in diff_rows:
            w(f"| {d['lines']:,} | {d['edits']} | {d['lib']:.2f} | {d['proc']:.2f} | {d['git']:.2f} | "
              f"{d['gnu']:.2f} | {d['lib'] / d['git']:.2f} | {d['same']} |")
        w("")
        if "diff.png" in made:
            w("![diff.png](bench/diff.png)")
            w("")
    else:
        w("Not measured in this run (see the run's output).")
        w("")

    w("## Emacs: module vs pure-elisp transport vs jsonrpc.el")
    w("")
    if epings:
        how = ("`bench/emacs/lamp-bench.el` run by `bench/run-all.sh` with every `lisp/*.el` on the load path "
               "(`bench/emacs/run.sh` failed: it compiles `lisp/lamp.el` alone, which now requires "
               "`lamp-base` and `lamp-transport`)" if (rdir / "emacs_fallback").exists()
               else "`bench/emacs/run.sh`")
        w(f"From {how} (batch Emacs, byte-compiled lisp). Ping figures: 10000 pings "
          "sequentially, then pipelined (median of 3 runs; the runs are listed).")
        w("")
        w("| client | sequential req/s | p50 µs | p99 µs | pipelined req/s (median) | pipelined runs |")
        w("|---|---|---|---|---|---|")
        for n, p in epings.items():
            w(f"| {n} | {p['seq']:,.0f} | {p['p50']:.0f} | {p['p99']:.0f} | {p['pipe']:,.0f} | "
              f"{' / '.join(f'{x:,.0f}' for x in p['runs'])} |")
        w("")
        w("UI lateness: the worst delay of a 50 ms repeating timer while a 5 MB reply arrives and is "
          "converted to Lisp (3 runs each).")
        w("")
        w("| client | reply | worst ms | median ms | runs ms | reply in ms | main thread in receive ms | "
          "garbage collection ms | worst without a collection ms |")
        w("|---|---|---|---|---|---|---|---|---|")
        for (n, shape), x in elate.items():
            w(f"| {n} | {x['mb']:.1f} MB {shape} | {x['worst']:.1f} | {x['median']:.1f} | "
              f"{' / '.join(f'{v:.0f}' for v in x['runs'])} | {x['wall']:.0f} | {x['receive']:.0f} | "
              f"{fmt(x['gc'])} | {fmt(x['nogc'], 1)} |")
        w("")
        w("No timer-lateness-over-time plot: the Emacs bench reports the worst and median lateness per run, "
          "not a time series, so there is nothing to plot over time.")
    else:
        w("Not measured in this run: " + (emacs_text.strip().splitlines() or ["no output"])[-1])
    w("")
    # Sections printed by a bench script whose first line is its title: the script's Markdown
    # after an introduction, or why it was not measured.
    def section(heading, name, title, intro, keep_title=False):
        w("## " + heading)
        w("")
        text = (rdir / f"{name}.txt").read_text().strip() if (rdir / f"{name}.txt").exists() else ""
        if text.startswith(title):
            w(intro)
            w("")
            w(text if keep_title else text.split("\n", 1)[1].strip())
        else:
            w("Not measured in this run: " + (text.splitlines() or ["no output"])[-1])
        w("")

    section("wisp: many marked comments in one request", "wisp", "Save to review",
            "From `bench/wisp/run.sh` (batch Emacs, byte-compiled lisp, real lamp, the fake upstream).",
            keep_title=True)
    section("Checks: syntax checker time per language", "check", "Checker time per language",
            "From `bench/check/run.sh`: one `check_syntax` call as `wisp.patch` makes it (docs/protocol.md, "
            "Checks); `wisp.patch` runs two side by side, the original text and the proposal.")
    section("Rebase: merge time on 10k-line buffers", "rebase", "Rebase merge time",
            "From `bench/rebase/run.sh`: `rebase_diff`, what `wisp.rebase` runs when a hunk is applied "
            "after the buffer changed (docs/patch-format.md), next to one `git merge-file -p` process "
            "on the same three texts. With a conflict every hunk is merged on its own.")
    section("Profile: lamp under 64 ping clients", "profile", "Profile of lamp under 64 ping clients",
            "From `bench/profile/run.sh` (linux-perf): lamp pinned to one CPU while 64 clients ping it "
            "from the other; the system calls it makes per request, and where its CPU time goes.")
    section("Context: repo map and excerpts", "context", "Repo map and excerpts",
            "From `bench/context/run.sh`: the repo map `wisp.patch` sends (universal-ctags, cached per "
            "project root) built without and with the cache, and the excerpt sent for one comment in "
            "a large file next to the whole file.")
    w("## Reproduce")
    w("")
    w("```")
    w("scripts/deps.sh            # Debian packages, gnuplot-nox included")
    w("cmake -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j")
    w("bench/run-all.sh build     # BENCH_ROUNDS (default 5), BENCH_SECONDS (1.0), BENCH_KEEP=1")
    w("```")
    w("")
    (docs / "benchmarks.md").write_text("\n".join(out))
    print(f"wrote {docs / 'benchmarks.md'} and {', '.join(made) or 'no plots'} in {plots}")


def limits_notes(res, get, elate, diff_rows, over, rdir):
    """A sentence per target on what limits it, from the figures of this run."""
    notes = {}
    lat_cpu = statistics.median(get("ping", "lamp", "throughput", 64, "load_cpu_pct") or [0])
    prof = (rdir / "profile.txt").read_text() if (rdir / "profile.txt").exists() else ""
    m = re.search(r"([\d.]+) syscalls per request", prof)
    k = re.search(r"([\d.]+)%\s+\[kernel\.kallsyms\]", prof)
    if m and k:
        profile = (f"Profile (section below): {m[1]} system calls per request — one recv and one send, "
                   "plus an epoll_wait per pass over the ready connections, the same calls as the ceiling "
                   f"(transport/readiness.hpp) — and {k[1]}% of lamp's CPU in the kernel, most of it in "
                   "those calls and in waking the client on send (pvm_irq_enable under this VM); the rest is "
                   "user space: libc's recv/send, JSON parse and serialise, allocation, asio's bookkeeping. "
                   "The ceiling makes the same calls and does no JSON.")
    else:
        profile = "Not profiled in this run (bench/profile/run.sh needs linux-perf)."
    notes["ping p50, 1 client"] = (
        profile + " Server and client share one CPU here, so the few µs of JSON work and dispatch per round "
        "trip that the ceiling skips decide the ratio.")
    c64 = statistics.median(get("ping", "ceiling", "throughput", 64, "rps") or [0])
    p64 = statistics.median(get("ping", "python", "throughput", 64, "rps") or [0])
    c_cpu = statistics.median(get("ping", "ceiling", "throughput", 64, "load_cpu_pct") or [0])
    python_limit = (f" The ceiling itself serves only {c64 / p64:.1f} × the Python baseline's throughput in this "
                    f"run, with the load generator at a median {c_cpu:.0f}% of its CPU (so that figure is "
                    "largely the load generator's own limit): no server can show 5 × Python on this machine."
                    if c64 and p64 else "")
    notes["throughput, 64 clients"] = (
        f"The server is pinned to one CPU and the load generator used a median {lat_cpu:.0f}% of the other. "
        + profile + python_limit)
    lo = statistics.median(over["lamp"]) if over["lamp"] else None
    notes["proxy overhead p50"] = (
        f"The added {lo:.0f} µs is lamp's request handling plus its own HTTP client round trip to the upstream."
        if lo is not None else "")
    notes["100 concurrent 500 ms calls"] = (
        "Wall time above 500 ms is spent opening 100 upstream connections and in the fake upstream's "
        "thread-per-request handling on 2 CPUs.")
    if diff_rows:
        worst = max(diff_rows, key=lambda d: d["lib"] / d["git"])
        notes["diff generation"] = (
            f"Worst at {worst['lines']:,} lines / {worst['edits']} edits; lamp uses libgit2's Myers diff "
            "with the indent heuristic, git uses its xdiff.")
    mt = [elate.get(("module (tape)", s)) for s in ("string", "objects")]
    mt = [(s, x) for s, x in zip(("string", "objects"), mt) if x]
    if mt:
        notes["UI lateness, 5 MB reply (module)"] = (
            "Converting the reply runs on Emacs' main thread in slices of `lamp-module-slice-ms` ("
            + ", ".join(f"{s}: {x['receive']:.0f} ms in receive over a {x['wall']:.0f} ms reply" for s, x in mt)
            + "). The worst tick of the timer that no garbage collection delayed was "
            + ", ".join(f"{s} {fmt(x['nogc'], 1)} ms" for s, x in mt)
            + "; the rest is the collection itself ("
            + ", ".join(f"{s} {fmt(x['gc'])} ms" for s, x in mt)
            + " per reply): Emacs' collector stops everything while it marks and sweeps, and after a reply "
            "of ~1 million Lisp objects (objects shape) one collection costs that much wherever it runs. "
            + ("The same run measured the floor directly: one full collection with the reply's Lisp value "
               "built by `json-parse-string` and no timer running takes "
               + ", ".join(f"{s} {x['floor'][0]:.1f} ms while the value is live ({x['floor'][1]:.1f} ms once "
                           "it is garbage)" for s, x in mt if x.get("floor"))
               + "; a timer tick that falls due during such a collection is late by up to that much. "
               if any(x.get("floor") for _, x in mt) else "")
            + "It cannot be sliced from a module; only fewer objects (a smaller reply) shorten it.")
    notes["lamp idle RSS"] = ("Not broken down in this run; VmRSS counts the resident pages of the shared "
                              "libraries lamp maps (libgit2 and its dependencies, libstdc++, libc; libcurl and "
                              "its TLS stack only after the first upstream call).")
    notes["RSS per idle connection (1000)"] = ("Not broken down in this run: per-connection read/write "
                                               "buffers and session state that stay allocated while idle.")
    return notes


if __name__ == "__main__":
    main()
