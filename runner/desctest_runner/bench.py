# SPDX-License-Identifier: GPL-2.0-only
"""The runner's figures for make bench: the parser's speed on the three
kinds of stream, a whole run (pytest included) of one program that
prints 200,000 results: wall time and the runner's peak memory, and the
runner's peak memory under two floods of output until the program's
timeout (a 60,000-byte diagnostic line before each result, and one line
that never ends).

    python3 -m desctest_runner.bench

Each figure is printed beside its target; the runs' own outcomes (every
result filed in results.json and junit.xml and the run passed; a flooding
program timed out and its run was filed) must hold or the bench fails
(exit 1). Each run is measured in a probe process of its own, so that
each peak RSS is that run's. Times are CPU seconds of the parser or the
runner process (what the code costs), with the wall time beside them: on
a quiet machine the two agree, on a loaded one only the CPU time says
what the code costs. The load average is printed with them."""

import json
import os
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
DIAG_LINE_BYTES = 60000
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


# Each run is measured in a probe process of its own, so that its peak
# RSS is its own and not that of an earlier, larger run.
_PROBE = ("import resource, subprocess, sys\n"
          "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
          "stderr=subprocess.PIPE)\n"
          "ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
          "sys.stderr.buffer.write(p.stderr[-2000:])\n"
          "print(p.returncode, ru.ru_maxrss, ru.ru_utime + ru.ru_stime)\n")


def _run_one(tmp, name, script, timeout):
    """One ./desctest run of one program (a shell script) under a probe:
    (exit status, wall s, runner CPU s, peak RSS MB, stderr tail, the
    results directory of the run)."""
    out = os.path.join(tmp, name, "out")
    os.makedirs(os.path.join(out, "bench"))
    prog = os.path.join(out, "bench", name + ".sh")
    with open(prog, "w") as f:
        f.write("#!/bin/sh\n" + script)
    os.chmod(prog, 0o755)
    with open(os.path.join(out, "kselftest-list.txt"), "w") as f:
        f.write("bench:%s.sh\n" % name)
    settings = os.path.join(tmp, name, "settings")
    with open(settings, "w") as f:
        f.write("timeout=%d\nbench.ktap=strict\n" % timeout)
    res = os.path.join(tmp, name, "results")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE), NO_COLOR="1")
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, "-c", _PROBE, sys.executable, "-m",
                        "desctest_runner", "run", "--output", out,
                        "--settings", settings, "--results", res], env=env,
                       capture_output=True, text=True)
    wall = time.monotonic() - t0
    try:
        rc, rss_kib, cpu = p.stdout.split()
        rc, rss_mb, cpu = int(rc), int(rss_kib) / 1024, float(cpu)
    except ValueError:
        rc, rss_mb, cpu = -1, 0.0, 0.0
    return rc, wall, cpu, rss_mb, p.stderr, os.path.join(res, "latest")


def bench_run():
    with tempfile.TemporaryDirectory(prefix="desctest-bench-") as tmp:
        rc, wall, cpu, rss_mb, err, latest = _run_one(
            tmp, "many_results",
            "echo 'TAP version 13'\necho '1..%d'\n"
            "seq 1 %d | sed 's/.*/ok & descriptor check &/'\n"
            "echo '# Totals: pass:%d fail:0 xfail:0 xpass:0 skip:0 "
            "error:0'\n" % (RUN_RESULTS, RUN_RESULTS, RUN_RESULTS), 300)
        if rc != 0:
            print("runner: the %d-result run failed (exit %d): %s" % (
                RUN_RESULTS, rc, err.strip()[-500:]))
            return False
        with open(os.path.join(latest, "results.json")) as f:
            data = json.load(f)
        with open(os.path.join(latest, "junit.xml")) as f:
            cases = sum(line.count("<testcase ") for line in f)
        want = RUN_RESULTS + 1          # and the whole-program case
        if len(data["tests"]) != want or cases != want or \
                data["counts"]["pass"] != want:
            print("runner: the %d-result run filed %d tests in results.json "
                  "(%d passed) and %d in junit.xml, want %d" % (
                      RUN_RESULTS, len(data["tests"]), data["counts"]["pass"],
                      cases, want))
            return False
        print("runner: run of one program printing %d results under pytest: "
              "%.1f s CPU (%.1f s wall; target < %.0f s: %s), %.0f MB runner "
              "peak RSS (target < %d MB: %s)" % (
                  RUN_RESULTS, cpu, wall, RUN_TARGET_S,
                  _met(cpu < RUN_TARGET_S), rss_mb, RUN_TARGET_MB,
                  _met(rss_mb < RUN_TARGET_MB)))
    return True


def _size_mb(path):
    try:
        return os.path.getsize(path) / 1e6
    except OSError:
        return float("nan")


# Hostile output until the timeout: a 60,000-byte "#" line before each
# "ok N", and one line that never ends.
FLOOD_S = 5
FLOOD_LEAD = 200     # results before the endless line, so that the
                     # combined stream reads the program's raw file back
FLOODS = (
    ("diagnostic flood",
     "a %d-byte '#' line before each 'ok N'" % DIAG_LINE_BYTES,
     "echo 'TAP version 13'\n"
     "exec awk 'BEGIN { d = \"xxxxxxxxxx\"; while (length(d) < %d) d = d d;"
     " d = substr(d, 1, %d); for (n = 1; ; n++) { print \"# \" d; "
     "print \"ok \" n \" flood \" n } }'\n" % ((DIAG_LINE_BYTES - 2,) * 2)),
    ("unterminated line",
     "%d results, then one line that never ends" % FLOOD_LEAD,
     "echo 'TAP version 13'\n"
     "seq 1 %d | sed 's/.*/ok & before the line/'\n"
     "exec tr '\\0' x < /dev/zero\n" % FLOOD_LEAD),
)


def bench_floods():
    """The runner's peak RSS (and what it filed) for a program flooding it
    for FLOOD_S seconds: the program times out, the run is filed, memory
    stays under RUN_TARGET_MB."""
    ok = True
    for name, what, script in FLOODS:
        with tempfile.TemporaryDirectory(prefix="desctest-bench-") as tmp:
            rc, wall, cpu, rss_mb, err, latest = _run_one(
                tmp, name.replace(" ", "_"), script, FLOOD_S)
            try:
                with open(os.path.join(latest, "results.json")) as f:
                    data = json.load(f)
                prog = data["programs"][0]
            except (OSError, ValueError, KeyError, IndexError) as e:
                print("runner: the %s run filed no results.json (exit %d, "
                      "%s): %s" % (name, rc, e, err.strip()[-500:]))
                ok = False
                continue
            if rc != 1 or prog["outcome"] != "timeout":
                print("runner: the %s run: exit %d, program %s, want exit 1 "
                      "and timeout" % (name, rc, prog["outcome"]))
                ok = False
            cut = prog.get("output_cut") or {}
            print("runner: %d s %s (%s): %d result(s) filed, results.json "
                  "%.1f MB, raw stdout %.1f MB (%.0f MB more read, not "
                  "kept), %.0f MB of diagnostics not kept, %.1f s wall, "
                  "%.0f MB runner peak RSS (target < %d MB: %s)" % (
                      FLOOD_S, name, what, len(data["tests"]) - 1,
                      _size_mb(os.path.join(latest, "results.json")),
                      _size_mb(os.path.join(latest, prog["stdout"])),
                      cut.get("stdout_raw_bytes", 0) / 1e6,
                      cut.get("diagnostic_chars", 0) / 1e6, wall, rss_mb,
                      RUN_TARGET_MB, _met(rss_mb < RUN_TARGET_MB)))
    return ok


# A guest's console with both floods in it (import-console).
CONSOLE_RESULTS = 2000
CONSOLE_ENDLESS_MB = 200


def _flood_console(path):
    """A framed console log: CONSOLE_RESULTS results each after a
    DIAG_LINE_BYTES "#" line, then a program whose one line is
    CONSOLE_ENDLESS_MB long; its size in bytes."""
    diag = b"# " + b"x" * (DIAG_LINE_BYTES - 3) + b"\n"
    with open(path, "wb") as f:
        f.write(b"DESCTEST-MACHINE kernel=bench cpu=bench\n"
                b"DESCTEST-BEGIN bench:diag\nTAP version 13\n1..%d\n"
                % CONSOLE_RESULTS)
        for n in range(1, CONSOLE_RESULTS + 1):
            f.write(diag + b"ok %d flood %d\n" % (n, n))
        f.write(b"DESCTEST-END bench:diag rc=0 ms=1\n"
                b"DESCTEST-BEGIN bench:endless\nTAP version 13\n1..1\n"
                b"ok 1 before the line\n")
        chunk = b"x" * (1 << 20)
        for _ in range(CONSOLE_ENDLESS_MB):
            f.write(chunk)
        f.write(b"\nDESCTEST-END bench:endless rc=0 ms=1\nDESCTEST-DONE\n")
        return f.tell()


def bench_console():
    """import-console's peak RSS on a flooded console log."""
    with tempfile.TemporaryDirectory(prefix="desctest-bench-") as tmp:
        log = os.path.join(tmp, "console.log")
        size = _flood_console(log)
        res = os.path.join(tmp, "results")
        env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE),
                   NO_COLOR="1")
        t0 = time.monotonic()
        p = subprocess.run([sys.executable, "-c", _PROBE, sys.executable,
                            "-m", "desctest_runner", "import-console",
                            "--results", res, "--label", "bench", log],
                           env=env, capture_output=True, text=True)
        wall = time.monotonic() - t0
        try:
            rc, rss_kib, _ = p.stdout.split()
            rc, rss_mb = int(rc), int(rss_kib) / 1024
        except ValueError:
            rc, rss_mb = -1, 0.0
        ok = rc == 0 and rss_mb < RUN_TARGET_MB
        kept = sum(_size_mb(os.path.join(d, f))
                   for d, _, fs in os.walk(os.path.join(res, "latest"))
                   for f in fs)
        print("runner: import-console of a %.0f MB flooded console (%d "
              "results after %d-byte '#' lines, one %d MB line): exit %d, "
              "%.1f MB filed, %.1f s wall, %.0f MB peak RSS (target < %d "
              "MB: %s)" % (size / 1e6, CONSOLE_RESULTS, DIAG_LINE_BYTES,
                           CONSOLE_ENDLESS_MB, rc, kept, wall, rss_mb,
                           RUN_TARGET_MB, _met(ok)))
        if rc != 0:
            print("runner: import-console said: %s" % p.stderr.strip()[-500:])
        return ok


def main():
    print("runner: load average %.1f on %d CPU(s)" % (os.getloadavg()[0],
                                                     os.cpu_count() or 1))
    ok = bench_parser()
    ok = bench_run() and ok
    ok = bench_floods() and ok
    ok = bench_console() and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
