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

from desctest_runner import ktap

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
