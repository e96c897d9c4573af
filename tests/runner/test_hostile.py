# SPDX-License-Identifier: GPL-2.0-only
"""Programs whose output is built to stall, crash, exhaust or fool the
runner: each must end up as that program's verdict, promptly, with the
rest of the run filed as usual."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from desctest_runner import execute, ktap

from conftest import RUNNER, sigint_default


def run(cli, tmp_path, output, settings, *extra, **kw):
    return cli("run", "--output", output, "--settings", settings,
               "--results", tmp_path / "results", "--ksrc", "", *extra, **kw)


def latest(tmp_path):
    d = tmp_path / "results" / "latest"
    with open(d / "results.json") as f:
        return d, json.load(f)


def outcomes(data):
    return {t["id"]: t["outcome"] for t in data["tests"]}


def test_padded_lines_do_not_stall_another_programs_timeout(
        cli, make_output, tmp_path):
    # Lines that took a backtracking parser tens of seconds each, beside a
    # program that hangs: its 2 s timeout must hold while the other's
    # output is parsed.
    output, settings = make_output(["padded.sh", "hang.sh"], timeout=60,
                                   extra="progs/hang.sh.timeout=2\n")
    p = run(cli, tmp_path, output, settings, "-j", "2")
    assert p.returncode == 1, p.stderr
    _, data = latest(tmp_path)
    progs = {x["id"]: x for x in data["programs"]}
    assert progs["progs:hang.sh"]["status"] == "timeout"
    # SIGTERM at 2 s, SIGKILL 2 s later at the latest: never 25 s.
    assert progs["progs:hang.sh"]["duration_s"] < 8, progs["progs:hang.sh"]
    assert progs["progs:padded.sh"]["outcome"] == "pass", progs
    names = sorted(t["name"] for t in data["tests"]
                   if t["program"] == "progs:padded.sh" and t["name"])
    assert [n[:6] for n in names] == ["hashes", "padded", "traili"]


def test_deep_nesting_is_that_programs_failure(cli, make_output, tmp_path):
    output, settings = make_output(["deep.sh", "pass.sh"])
    p = run(cli, tmp_path, output, settings)
    assert p.returncode == 1, p.stderr
    assert "Traceback" not in p.stderr and "RecursionError" not in p.stderr
    _, data = latest(tmp_path)
    assert data["complete"] and not data["interrupted"]
    assert "engine_error" not in data
    progs = {x["id"]: x for x in data["programs"]}
    assert progs["progs:pass.sh"]["outcome"] == "pass"
    deep = progs["progs:deep.sh"]
    assert deep["outcome"] == "fail"
    assert "nested deeper than %d levels" % ktap.MAX_DEPTH in deep["reason"]
    # Under --bisect a bad program is "bad" (1), not "untestable" (125).
    p = run(cli, tmp_path, output, settings, "--bisect")
    assert p.returncode == 1, p.stderr


def test_flood_of_results_is_bounded_and_ends(make_output, tmp_path):
    # "yes 'ok 1 x'" for 3 s: the runner must stop at the timeout, keep
    # a bounded number of results and say what it dropped.
    output, settings = make_output(["flood.sh", "pass.sh"], timeout=3)
    env = dict(os.environ, PYTHONPATH=RUNNER, NO_COLOR="1")
    probe = ("import resource, subprocess, sys\n"
             "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
             "print(p.returncode, resource.getrusage("
             "resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    t0 = time.monotonic()
    p = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, "-m", "desctest_runner",
         "run", "--output", output, "--settings", settings, "--results",
         str(tmp_path / "results")], env=env, capture_output=True,
        text=True, timeout=300)
    wall = time.monotonic() - t0
    rc, rss_kib = map(int, p.stdout.split())
    assert rc == 1, p.stderr
    d, data = latest(tmp_path)
    progs = {x["id"]: x for x in data["programs"]}
    flood = progs["progs:flood.sh"]
    assert flood["status"] == "timeout" and flood["outcome"] == "timeout"
    assert progs["progs:pass.sh"]["outcome"] == "pass"
    kept = [t for t in data["tests"] if t["program"] == "progs:flood.sh"]
    assert 1 < len(kept) <= ktap.MAX_RESULTS + 1
    with open(d / flood["stdout"], "rb") as f:
        printed = sum(1 for line in f if line.startswith(b"ok 1 x"))
    if printed > ktap.MAX_RESULTS:
        assert any("counted but not kept" in p_
                   for p_ in flood["ktap_problems"]), flood["ktap_problems"]
    # Memory stays bounded whatever the program prints (it was 700 MB
    # and growing), and the run does not outlive the timeout by much.
    assert rss_kib < 400 * 1024, rss_kib
    print("flood: %d lines, %.1f s, %d MiB" % (printed, wall, rss_kib // 1024))


def test_diagnostics_that_begin_with_ok_are_not_results(
        cli, make_output, tmp_path):
    output, settings = make_output(["diag_ok.sh"])
    p = run(cli, tmp_path, output, settings)
    assert p.returncode == 0, p.stderr
    _, data = latest(tmp_path)
    assert outcomes(data) == {"progs:diag_ok.sh::probe": "pass",
                              "progs:diag_ok.sh": "pass"}


def test_indented_banner_keeps_nested_streams(cli, make_output, tmp_path):
    output, settings = make_output(["banner.sh"])
    p = run(cli, tmp_path, output, settings)
    assert p.returncode == 0, p.stderr
    _, data = latest(tmp_path)
    assert outcomes(data) == {"progs:banner.sh::parent/a": "pass",
                              "progs:banner.sh::parent/b": "pass",
                              "progs:banner.sh::parent": "pass",
                              "progs:banner.sh": "pass"}


def test_ok_parent_over_failing_child_fails_the_program(
        cli, make_output, tmp_path):
    output, settings = make_output(["ok_over_fail.sh"])
    p = run(cli, tmp_path, output, settings)
    assert p.returncode == 1, p.stderr
    d, data = latest(tmp_path)
    got = outcomes(data)
    assert got["progs:ok_over_fail.sh::parent/broken"] == "fail"
    assert got["progs:ok_over_fail.sh::parent"] == "fail"
    assert data["programs"][0]["outcome"] == "fail"
    assert "over failing nested" in data["programs"][0]["reason"]
    assert "| `progs:ok_over_fail.sh` | fail |" in \
        (d / "summary.md").read_text()


def test_exit_4_after_results_has_no_result_as_reason(
        cli, make_output, tmp_path):
    output, settings = make_output(["exit4_results.sh"])
    run(cli, tmp_path, output, settings)
    _, data = latest(tmp_path)
    prog = data["programs"][0]
    assert prog["outcome"] == "skip"
    assert "ok 2" not in prog["reason"], prog["reason"]
    assert prog["reason"] == ("exit 4 (skip) after 2 result(s); it "
                              "printed no reason")


def test_hash_skip_without_blank_is_a_skip(cli, make_output, tmp_path):
    output, settings = make_output(["hash_skip.sh"])
    p = run(cli, tmp_path, output, settings)
    assert p.returncode == 0, p.stderr
    _, data = latest(tmp_path)
    tests = {t["name"]: t for t in data["tests"]}
    assert tests["needs two CPUs"]["outcome"] == "skip"
    assert tests["needs two CPUs"]["reason"] == "only one CPU online"


def _start(output, settings, tmp_path):
    env = dict(os.environ, PYTHONPATH=RUNNER, NO_COLOR="1")
    return subprocess.Popen(
        [sys.executable, "-m", "desctest_runner", "run", "--output", output,
         "--settings", settings, "--results", str(tmp_path / "results")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, preexec_fn=sigint_default)


def _wait_for_first_program(tmp_path):
    res = tmp_path / "results"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        runs = list(res.glob("*/results.json")) if res.exists() else []
        if runs:
            try:
                if json.loads(runs[0].read_text())["programs"]:
                    return
            except ValueError:
                pass
        time.sleep(0.05)
    pytest.fail("the first program was never filed")


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_is_prompt_and_keeps_what_finished(make_output, tmp_path,
                                                  presses):
    # pass.sh finishes; flood.sh then floods the runner with output to
    # parse. One Ctrl-C or two in a row: the runner stops within seconds
    # and results.json holds pass.sh.
    output, settings = make_output(["pass.sh", "flood.sh", "hang.sh"],
                                   timeout=120)
    proc = _start(output, settings, tmp_path)
    try:
        _wait_for_first_program(tmp_path)
        time.sleep(0.5)
        t0 = time.monotonic()
        for _ in range(presses):
            proc.send_signal(signal.SIGINT)
            time.sleep(0.05)
        _, err = proc.communicate(timeout=60)
        took = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 1, err
    assert "Traceback" not in err, err
    assert took < 20, took
    _, data = latest(tmp_path)
    assert data["interrupted"] and not data["complete"]
    progs = {x["id"]: x for x in data["programs"]}
    assert progs["progs:pass.sh"]["outcome"] == "pass"
    assert progs["progs:flood.sh"]["status"] == "interrupted"
    assert progs["progs:hang.sh"]["status"] == "interrupted"


def _flood_bytes():
    """What diag_flood.sh prints."""
    d = b"x" * 59998
    out = [b"TAP version 13\n1..600\n"]
    for n in range(1, 601):
        out.append(b"# %s\nok %d flood %d\n" % (d, n, n))
    out.append(b"# Totals: pass:600 fail:0 xfail:0 xpass:0 skip:0 error:0\n")
    return b"".join(out)


def _raw_cut(printed, stream="stdout"):
    """The raw file of a stream the program printed `printed` to: its
    first RAW_MAX bytes and the line saying what was not kept."""
    keep = printed[:execute.RAW_MAX]
    rest = printed[execute.RAW_MAX:]
    return keep + (b"" if keep.endswith(b"\n") else b"\n") + (
        "# desctest: cut here: %d more byte(s) (%d newline(s)) of the "
        "program's %s were read but not kept; this file keeps the first "
        "%d\n" % (len(rest), rest.count(b"\n"), stream, execute.RAW_MAX)
    ).encode()


def test_diagnostic_flood_is_bounded_in_bytes(cli, make_output, tmp_path):
    # A 60,000-byte "#" line before each of 600 results (36 MB): it took
    # the runner to gigabytes of memory and as large a results.json (a
    # result kept 64 such lines). Each result keeps 16 KiB of
    # diagnostics, the program 4 MiB of text, the raw file 16 MiB; every
    # result is still counted and the program still passes, saying what
    # it dropped.
    output, settings = make_output(["diag_flood.sh"], timeout=60)
    p = run(cli, tmp_path, output, settings)
    assert p.returncode == 0, p.stderr
    d, data = latest(tmp_path)
    prog = data["programs"][0]
    assert prog["outcome"] == "pass", prog
    assert data["counts"]["pass"] == 601 and len(data["tests"]) == 601
    printed = _flood_bytes()
    raw = (d / prog["stdout"]).read_bytes()
    assert raw == _raw_cut(printed)
    cut = prog["output_cut"]
    assert cut["stdout_raw_bytes"] == len(printed) - execute.RAW_MAX
    assert cut["stdout_raw_newlines"] == \
        printed[execute.RAW_MAX:].count(b"\n")
    assert cut["diagnostic_lines"] > 0 and cut["diagnostic_chars"] > \
        600 * (59998 - ktap.DIAG_CHARS)
    assert set(cut) == {"stdout_raw_bytes", "stdout_raw_newlines",
                        "diagnostic_lines", "diagnostic_chars"}, cut
    assert prog["ktap_problems"] == [
        "diagnostics not kept: %d line(s), %d character(s) (a result "
        "keeps its last %d lines and %d characters of them; this "
        "program's output used up the %d characters of text a program "
        "keeps)" % (cut["diagnostic_lines"], cut["diagnostic_chars"],
                    ktap.DIAG_KEEP, ktap.DIAG_CHARS, ktap.TEXT_CHARS),
        "raw stdout file cut at %d bytes: %d more byte(s) (%d newline(s)) "
        "read and parsed but not kept" % (
            execute.RAW_MAX, cut["stdout_raw_bytes"],
            cut["stdout_raw_newlines"])]
    assert prog["reason"] == "; ".join(prog["ktap_problems"])
    # What results.json keeps of the diagnostics is the program's text
    # budget, not what it printed.
    assert os.path.getsize(d / "results.json") < ktap.TEXT_CHARS + 2 ** 20
    kept = sum(len(x) for t in data["tests"] for x in t["details"])
    assert kept <= ktap.TEXT_CHARS + 601 * 200, kept
    first = next(t for t in data["tests"] if t["name"] == "flood 1")
    assert first["details"] == [
        "x" * ktap.DIAG_CHARS + " [desctest: %d more character(s) of "
        "this line not kept]" % (59998 - ktap.DIAG_CHARS)]
    last = next(t for t in data["tests"] if t["name"] == "flood 600")
    assert last["details"] == []


def test_endless_line_is_read_in_chunks_and_cut(cli, make_output,
                                                tmp_path):
    # 40,000,000 bytes without a newline after 200 results: the runner
    # keeps 64 KiB of the line, the raw file 16 MiB of the stream, and
    # the combined stream reads the raw file back in chunks.
    output, settings = make_output(["endless_line.sh"], timeout=60)
    p = run(cli, tmp_path, output, settings)
    assert p.returncode == 0, p.stderr
    d, data = latest(tmp_path)
    prog = data["programs"][0]
    assert prog["outcome"] == "pass", prog
    assert data["counts"]["pass"] == 201
    printed = b"TAP version 13\n1..200\n" + b"".join(
        b"ok %d before the line\n" % n for n in range(1, 201)) + \
        b"x" * 40000000
    raw = (d / prog["stdout"]).read_bytes()
    assert raw == _raw_cut(printed)
    # In memory the line is cut at 64 KiB, as a diagnostic at 16 KiB.
    line = "x" * execute.MAX_LINE + " [desctest: %d more byte(s) of this " \
        "line not kept]" % (40000000 - execute.MAX_LINE)
    cut = prog["output_cut"]
    assert cut == {"stdout_raw_bytes": len(printed) - execute.RAW_MAX,
                   "stdout_raw_newlines": 0, "long_lines": 1,
                   "long_line_bytes": 40000000 - execute.MAX_LINE,
                   "diagnostic_chars": len(line) - ktap.DIAG_CHARS}
    assert prog["ktap_problems"] == [
        "raw stdout file cut at %d bytes: %d more byte(s) (0 newline(s)) "
        "read and parsed but not kept" % (execute.RAW_MAX,
                                          cut["stdout_raw_bytes"]),
        "1 stdout line(s) longer than %d bytes cut to it: %d byte(s) of "
        "them not kept" % (execute.MAX_LINE, cut["long_line_bytes"])]
    # The combined stream: the line as the raw file has it, cut, then
    # the raw file's own last line.
    in_raw = execute.RAW_MAX - (len(printed) - 40000000)
    stream = p.stdout.splitlines()
    assert stream[-4] == "    " + "x" * execute.MAX_LINE + \
        " [desctest: %d more byte(s) of this line not kept]" % (
            in_raw - execute.MAX_LINE)
    assert stream[-3] == "    " + _raw_cut(printed).splitlines()[-1].decode()
    assert stream[-2:] == ["ok 1 progs:endless_line.sh",
                           "# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 "
                           "error:0"]
    assert len(p.stdout) < 2 ** 20
