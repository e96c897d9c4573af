# SPDX-License-Identifier: GPL-2.0-only
"""The runner's figures for make bench: the parser's speed on the three
kinds of stream, and a whole run (pytest included) of one program that
prints 200,000 results: wall time and the runner's peak memory.

    python3 -m desctest_runner.bench

Each figure is printed beside its target; the run's own outcome (every
result filed in results.json and junit.xml, the run passed) must hold or
the bench fails (exit 1). Times are CPU seconds of the parser or the
runner process (what the code costs), with the wall time beside them: on
a quiet machine the two agree, on a loaded one only the CPU time says
what the code costs. The load average is printed with them."""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time

from . import ktap

PARSE_LINES = 100000
PARSE_TARGET_S = 0.3
RUN_RESULTS = 200000
RUN_TARGET_S = 10.0
RUN_TARGET_MB = 200
HERE = os.path.dirname(os.path.abspath(__file__))


def _streams(n):
    flat = ["TAP version 13", "1..%d" % n] + [
        "ok %d descriptor check %d" % (i, i) for i in range(1, n + 1)]
    # run_kselftest.sh's prefixer: the program's stream behind "# ".
    head = ["TAP version 13", "1..1", "# timeout set to 45",
            "# selftests: desc: big", "# TAP version 13", "# 1..%d" % n]
    inner = ["# ok %d descriptor check %d" % (i, i) for i in range(1, n + 1)]
    nested = head + inner + ["ok 1 selftests: desc: big"]
    # ... and its late lines, after the parent's result.
    late = head + ["ok 1 selftests: desc: big"] + inner
    return (("flat", flat), ("# -nested", nested), ("late-line", late))


def _met(ok):
    return "met" if ok else "NOT met"


def bench_parser():
    for name, lines in _streams(PARSE_LINES):
        best = best_wall = None
        for _ in range(3):
            t0, c0 = time.perf_counter(), time.process_time()
            doc = ktap.parse(lines)
            cpu = time.process_time() - c0
            wall = time.perf_counter() - t0
            best = cpu if best is None else min(best, cpu)
            best_wall = wall if best_wall is None else min(best_wall, wall)
        got = sum(1 for _ in doc.walk())
        want = PARSE_LINES + (0 if name == "flat" else 1)
        if got != want or doc.fatal():
            print("runner: parser lost results on the %s stream: %d of %d "
                  "(%s)" % (name, got, want, doc.fatal()))
            return False
        print("runner: parse %d %s results: %.3f s CPU (%.3f s wall) = "
              "%.0f lines/s (target < %.1f s: %s)" % (
                  PARSE_LINES, name, best, best_wall, PARSE_LINES / best,
                  PARSE_TARGET_S, _met(best < PARSE_TARGET_S)))
    return True


def bench_run():
    with tempfile.TemporaryDirectory(prefix="desctest-bench-") as tmp:
        out = os.path.join(tmp, "out")
        os.makedirs(os.path.join(out, "bench"))
        prog = os.path.join(out, "bench", "many_results.sh")
        with open(prog, "w") as f:
            f.write("#!/bin/sh\n"
                    "echo 'TAP version 13'\necho '1..%d'\n"
                    "seq 1 %d | sed 's/.*/ok & descriptor check &/'\n"
                    "echo '# Totals: pass:%d fail:0 xfail:0 xpass:0 skip:0 "
                    "error:0'\n" % (RUN_RESULTS, RUN_RESULTS, RUN_RESULTS))
        os.chmod(prog, 0o755)
        with open(os.path.join(out, "kselftest-list.txt"), "w") as f:
            f.write("bench:many_results.sh\n")
        settings = os.path.join(tmp, "settings")
        with open(settings, "w") as f:
            f.write("timeout=300\n")
        res = os.path.join(tmp, "results")
        env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE),
                   NO_COLOR="1")
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        before = ru0.ru_maxrss
        t0 = time.monotonic()
        p = subprocess.run([sys.executable, "-m", "desctest_runner", "run",
                            "--output", out, "--settings", settings,
                            "--results", res], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
        wall = time.monotonic() - t0
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        rss_mb = ru.ru_maxrss / 1024
        cpu = ru.ru_utime + ru.ru_stime - ru0.ru_utime - ru0.ru_stime
        if p.returncode != 0:
            print("runner: the %d-result run failed (exit %d): %s" % (
                RUN_RESULTS, p.returncode, p.stderr.strip()[-500:]))
            return False
        with open(os.path.join(res, "latest", "results.json")) as f:
            data = json.load(f)
        with open(os.path.join(res, "latest", "junit.xml")) as f:
            cases = sum(line.count("<testcase ") for line in f)
        want = RUN_RESULTS + 1          # and the whole-program case
        if len(data["tests"]) != want or cases != want or \
                data["counts"]["pass"] != want:
            print("runner: the %d-result run filed %d tests in results.json "
                  "(%d passed) and %d in junit.xml, want %d" % (
                      RUN_RESULTS, len(data["tests"]), data["counts"]["pass"],
                      cases, want))
            return False
        note = "" if rss_mb > before / 1024 else \
            " (a larger child ran before: figure is an upper bound)"
        print("runner: run of one program printing %d results under pytest: "
              "%.1f s CPU (%.1f s wall; target < %.0f s: %s), %.0f MB runner "
              "peak RSS (target < %d MB: %s)%s" % (
                  RUN_RESULTS, cpu, wall, RUN_TARGET_S,
                  _met(cpu < RUN_TARGET_S), rss_mb, RUN_TARGET_MB,
                  _met(rss_mb < RUN_TARGET_MB), note))
    return True


def main():
    print("runner: load average %.1f on %d CPU(s)" % (os.getloadavg()[0],
                                                     os.cpu_count() or 1))
    ok = bench_parser()
    ok = bench_run() and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
