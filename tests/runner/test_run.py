# SPDX-License-Identifier: GPL-2.0-only
"""`run` end to end over fixture programs that pass, fail, skip, xfail,
crash, hang, print garbage or stop mid-stream."""

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest

from desctest_runner import ktap

from conftest import RUNNER, sigint_default, sigint_ignored

ALL = ["pass.sh", "fail.sh", "skip.sh", "xfail.sh", "crash.sh", "segv",
       "hang.sh", "garbage.sh", "midstream.sh", "zero_after_fail.sh",
       "totals_wrong.sh", "bail.sh", "stderr_noise.sh", "missing"]

WANT = {
    "pass.sh": "pass", "fail.sh": "fail", "skip.sh": "skip",
    "xfail.sh": "pass", "crash.sh": "fail", "segv": "fail",
    "hang.sh": "timeout", "garbage.sh": "fail", "midstream.sh": "fail",
    "zero_after_fail.sh": "fail", "totals_wrong.sh": "fail",
    "bail.sh": "fail", "stderr_noise.sh": "pass", "missing": "error",
}


def run(cli, tmp_path, output, settings, *extra):
    return cli("run", "--output", output, "--settings", settings,
               "--results", tmp_path / "results", "--ksrc", "", *extra)


def latest(tmp_path):
    d = tmp_path / "results" / "latest"
    with open(d / "results.json") as f:
        return d, json.load(f)


def test_every_kind_of_program(cli, make_output, tmp_path):
    output, settings = make_output(ALL, timeout=3)
    p = run(cli, tmp_path, output, settings, "-j", "2")
    assert p.returncode == 1, p.stderr
    d, data = latest(tmp_path)
    assert data["complete"] and not data["interrupted"]
    assert data["engine"] == "pytest"
    progs = {x["path"].split("/")[-1]: x for x in data["programs"]}
    assert {k: v["outcome"] for k, v in progs.items()} == WANT
    tests = {t["id"]: t for t in data["tests"]}
    assert tests["progs:fail.sh::base"]["outcome"] == "fail"
    assert "SEEN 0xfffffffff8d65000" in tests["progs:fail.sh::base"][
        "reason"]
    assert tests["progs:fail.sh::no second CPU to test on"][
        "outcome"] == "skip"
    assert tests["progs:xfail.sh::buggy helper sign-extends base2"][
        "outcome"] == "xfail"
    assert tests["progs:crash.sh::before the crash"]["outcome"] == "pass"
    assert progs["crash.sh"]["signal"] == "SIGSEGV"
    assert progs["segv"]["signal"] == "SIGSEGV"
    assert "exit 0 after not ok" in progs["zero_after_fail.sh"]["reason"]
    assert "stopped mid-stream" in progs["midstream.sh"]["reason"]
    assert "no KTAP output" in progs["garbage.sh"]["reason"]
    assert "Totals says" in progs["totals_wrong.sh"]["reason"]
    assert "Bail out!" in progs["bail.sh"]["reason"]
    assert "missing" in progs["missing"]["reason"]
    assert progs["hang.sh"]["status"] == "timeout"
    # Raw output kept per program, stdout and stderr apart.
    noise = progs["stderr_noise.sh"]
    assert "warning: something on stderr" in (d / noise["stderr"]).read_text()
    assert "ok 1 quiet" in (d / noise["stdout"]).read_text()
    assert "something on stderr" not in (d / noise["stdout"]).read_text()
    # The KTAP stream on stdout: one result per program, plan first.
    lines = p.stdout.splitlines()
    assert lines[:2] == ["KTAP version 1", "1..%d" % len(ALL)]
    assert sum(1 for l in lines if l.startswith(("ok ", "not ok "))) == \
        len(ALL)
    assert any(l.startswith("not ok") and "progs:hang.sh # TIMEOUT" in l
               for l in lines)
    assert any(l.startswith("ok") and "progs:skip.sh # SKIP /dev/kvm "
               "missing" in l for l in lines)
    # The stream reads back: every program a result, its KTAP nested.
    doc = ktap.parse(lines)
    assert doc.version == "KTAP 1" and len(doc.results) == len(ALL)
    back = {r.description.split(":")[-1]: r for r in doc.results}
    assert back["fail.sh"].children.totals["fail"] == 1
    assert back["hang.sh"].outcome == "timeout"
    assert back["skip.sh"].outcome == "skip"
    # junit.xml and summary.md exist and say the same.
    root = ET.parse(d / "junit.xml").getroot()
    assert int(root.get("tests")) == len(data["tests"])
    summary = (d / "summary.md").read_text()
    assert "**FAILED**" in summary and "progs:hang.sh" in summary


def test_outcomes_come_from_pytest_reports(cli, make_output, tmp_path):
    output, settings = make_output(["fail.sh", "xfail.sh", "skip.sh"])
    run(cli, tmp_path, output, settings)
    _, data = latest(tmp_path)
    c = data["counts"]
    # fail.sh: good, base, skip, [program]; xfail.sh: 2 + program;
    # skip.sh: program only.
    assert c == {"pass": 3, "fail": 2, "skip": 2, "xfail": 1, "xpass": 0,
                 "timeout": 0, "error": 0}


def test_all_good_exits_zero(cli, make_output, tmp_path):
    output, settings = make_output(["pass.sh", "skip.sh", "xfail.sh"])
    p = run(cli, tmp_path, output, settings)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[-1] == \
        "# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:1 error:0"


def test_bisect_exit_codes(cli, make_output, tmp_path):
    output, settings = make_output(["pass.sh", "skip.sh"])
    assert run(cli, tmp_path, output, settings, "--bisect").returncode == 0
    output, settings = make_output(["pass.sh", "fail.sh"])
    assert run(cli, tmp_path, output, settings, "--bisect").returncode == 1
    output, settings = make_output(["skip.sh"])
    assert run(cli, tmp_path, output, settings, "--bisect").returncode == 125
    output, settings = make_output(["pass.sh", "missing"])
    assert run(cli, tmp_path, output, settings, "--bisect").returncode == 125
    p = run(cli, tmp_path, str(tmp_path / "nowhere"), settings, "--bisect")
    assert p.returncode == 125
    assert "kselftest-list.txt not found" in p.stderr


def test_bad_input_is_one_clear_line(cli, make_output, tmp_path):
    output, settings = make_output(["pass.sh"])
    p = run(cli, tmp_path, str(tmp_path / "nowhere"), settings)
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and "make all" in p.stderr
    with open(settings, "a") as f:
        f.write("timeout=soon\n")
    p = run(cli, tmp_path, output, settings)
    assert p.returncode == 2
    assert "cannot read 'timeout=soon'" in p.stderr
    assert not (tmp_path / "results").exists()


def test_filter_and_per_program_timeout(cli, make_output, tmp_path):
    output, settings = make_output(["pass.sh", "hang.sh"], timeout=60,
                                   extra="progs/hang.sh.timeout=1\n")
    p = run(cli, tmp_path, output, settings, "--filter", "*hang*")
    _, data = latest(tmp_path)
    assert [x["path"] for x in data["programs"]] == ["progs/hang.sh"]
    assert data["programs"][0]["outcome"] == "timeout"
    assert data["programs"][0]["timeout_s"] == 1
    assert p.returncode == 1


def test_hang_leaves_no_process_behind(cli, make_output, tmp_path):
    output, settings = make_output(["hang.sh"], timeout=1)
    run(cli, tmp_path, output, settings)
    # hang.sh wrote its background child's pid in its directory (the cwd
    # the runner gave it); the group kill must have taken the child too.
    pid = int((tmp_path / "out" / "progs" / "hang.child-pid").read_text())
    time.sleep(0.2)
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        state = "gone"
    assert state in ("gone", "Z"), "hang.sh's child %d survived" % pid


def test_nothing_overwritten_and_latest_moves(cli, make_output, tmp_path):
    output, settings = make_output(["pass.sh"])
    run(cli, tmp_path, output, settings)
    first = os.readlink(tmp_path / "results" / "latest")
    run(cli, tmp_path, output, settings)
    second = os.readlink(tmp_path / "results" / "latest")
    assert first != second
    runs = sorted(p for p in os.listdir(tmp_path / "results")
                  if p != "latest")
    assert runs == sorted([first, second])


def _start_run(make_output, tmp_path, preexec_fn):
    """A run of pass.sh, hang.sh, fail.sh, once pass.sh is filed (hang.sh
    is running then)."""
    output, settings = make_output(["pass.sh", "hang.sh", "fail.sh"],
                                   timeout=60)
    env = dict(os.environ, PYTHONPATH=RUNNER, NO_COLOR="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "desctest_runner", "run", "--output", output,
         "--settings", settings, "--results", str(tmp_path / "results")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=preexec_fn)
    res = tmp_path / "results"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        runs = [p for p in res.glob("*/results.json")] if res.exists() else []
        if runs and json.loads(runs[0].read_text())["programs"]:
            break
        time.sleep(0.1)
    time.sleep(0.3)
    return proc


def _stop(proc):
    """A runner a failed test left behind goes, with its programs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def _assert_interrupted_after_pass(tmp_path, proc, err):
    assert proc.returncode == 1, err
    _, data = latest(tmp_path)
    assert data["interrupted"] and not data["complete"]
    progs = {x["path"]: x for x in data["programs"]}
    assert progs["progs/pass.sh"]["outcome"] == "pass"
    assert progs["progs/hang.sh"]["status"] == "interrupted"
    assert progs["progs/fail.sh"]["status"] == "interrupted"
    assert "interrupted" in err


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM,
                                 signal.SIGHUP])
def test_ctrl_c_keeps_what_was_collected(make_output, tmp_path, sig):
    # Ctrl-C, kill, and the terminal closing (SIGHUP) all stop cleanly.
    proc = _start_run(make_output, tmp_path, sigint_default)
    try:
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        _stop(proc)
    _assert_interrupted_after_pass(tmp_path, proc, err)


def test_sigint_ignored_at_start_stays_ignored(make_output, tmp_path):
    # Started as a background job of a non-interactive shell (SIGINT
    # ignored, so that Ctrl-C at the terminal reaches only the foreground
    # job), the runner leaves SIGINT ignored; SIGTERM stops it and files
    # what was collected.
    proc = _start_run(make_output, tmp_path, sigint_ignored)
    try:
        proc.send_signal(signal.SIGINT)
        with pytest.raises(subprocess.TimeoutExpired):
            proc.communicate(timeout=1.5)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        _stop(proc)
    _assert_interrupted_after_pass(tmp_path, proc, err)


def test_endless_diagnostics_keep_the_results(cli, make_output, tmp_path):
    output, settings = make_output(["chatty.sh"], timeout=60)
    p = run(cli, tmp_path, output, settings)
    assert p.returncode == 1
    d, data = latest(tmp_path)
    tests = {t["id"]: t["outcome"] for t in data["tests"]}
    assert tests == {"progs:chatty.sh::after the noise": "pass",
                     "progs:chatty.sh::last": "fail",
                     "progs:chatty.sh": "fail"}
    prog = data["programs"][0]
    assert prog["ktap_problems"] == []
    raw = (d / prog["stdout"]).read_text().splitlines()
    assert len(raw) == 150005
    assert "more diagnostic line(s) in the raw stdout file" in p.stdout


def test_process_escaping_its_group_is_a_failure(cli, make_output, tmp_path):
    output, settings = make_output(["escape.sh"], timeout=30)
    t0 = time.monotonic()
    p = run(cli, tmp_path, output, settings)
    pidfile = tmp_path / "out" / "progs" / "escape.child-pid"
    try:
        assert time.monotonic() - t0 < 20, "runner waited for the escapee"
        assert p.returncode == 1
        _, data = latest(tmp_path)
        prog = data["programs"][0]
        assert prog["outcome"] == "fail"
        assert "left a process outside its process group" in prog["reason"]
    finally:
        try:
            os.kill(int(pidfile.read_text()), signal.SIGKILL)
        except (OSError, ValueError):
            pass


def test_stdout_closed_early(make_output, tmp_path):
    # "run ... | head -1": the reader of the KTAP stream is gone before
    # the runner writes; the run goes on and files everything.
    output, settings = make_output(["pass.sh", "skip.sh", "xfail.sh"])
    r, w = os.pipe()
    os.close(r)
    env = dict(os.environ, PYTHONPATH=RUNNER, NO_COLOR="1")
    try:
        p = subprocess.run(
            [sys.executable, "-m", "desctest_runner", "run", "--output",
             output, "--settings", settings, "--results",
             str(tmp_path / "results")], stdout=w, stderr=subprocess.PIPE,
            text=True, env=env, timeout=120)
    finally:
        os.close(w)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr and "BrokenPipe" not in p.stderr, \
        p.stderr
    d, data = latest(tmp_path)
    assert data["complete"] and "engine_error" not in data
    assert len(data["programs"]) == 3


def test_raw_output_keeps_the_directory_structure(cli, tmp_path):
    # "x/y.sh" and "x__y.sh" once both became one raw file (progs__x__y.sh).
    out = tmp_path / "out"
    (out / "progs" / "x").mkdir(parents=True)
    for name, text in (("x/y.sh", "one"), ("x__y.sh", "two")):
        prog = out / "progs" / name
        prog.write_text("#!/bin/sh\necho 'TAP version 13'\necho 1..1\n"
                        "echo 'ok 1 %s'\n" % text)
        prog.chmod(0o755)
    (out / "kselftest-list.txt").write_text("progs:x/y.sh\n"
                                            "progs:x__y.sh\n")
    settings = tmp_path / "settings"
    settings.write_text("timeout=5\n")
    p = run(cli, tmp_path, str(out), str(settings))
    assert p.returncode == 0, p.stderr
    d, data = latest(tmp_path)
    raw = {x["path"]: x["stdout"] for x in data["programs"]}
    assert raw == {"progs/x/y.sh": "raw/progs/x/y.sh.stdout",
                   "progs/x__y.sh": "raw/progs/x__y.sh.stdout"}
    assert "ok 1 one" in (d / raw["progs/x/y.sh"]).read_text()
    assert "ok 1 two" in (d / raw["progs/x__y.sh"]).read_text()


def test_collection_must_stay_under_raw(cli, make_output, tmp_path):
    for coll in ("..", "/tmp", "a/../.."):
        output, settings = make_output(["pass.sh"], collection=coll,
                                       strict=False)
        p = run(cli, tmp_path, output, settings)
        assert p.returncode == 2, (coll, p.stderr)
        assert "not collection:test" in p.stderr


def test_raw_files_are_never_overwritten(tmp_path, make_output):
    from desctest_runner import execute
    from desctest_runner.config import Program
    output, _ = make_output(["pass.sh"])
    runner = execute.Runner(output, str(tmp_path / "res" / "raw"),
                            str(tmp_path / "res"))
    first = runner.run(Program("progs", "pass.sh", 5, True))
    assert first.status == "exited"
    kept = (tmp_path / "res" / first.stdout_file).read_bytes()
    try:
        again = runner.run(Program("progs", "pass.sh", 5, True))
    except FileExistsError:
        again = None
    assert again is None
    assert (tmp_path / "res" / first.stdout_file).read_bytes() == kept


def test_stream_totals_count_timeouts_as_fail(cli, make_output, tmp_path):
    output, settings = make_output(["pass.sh", "hang.sh"], timeout=1)
    p = run(cli, tmp_path, output, settings)
    assert p.returncode == 1
    assert p.stdout.splitlines()[-1] == \
        "# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:0 error:0"


def test_summary_of_an_untestable_bisect_run(cli, make_output, tmp_path):
    output, settings = make_output(["skip.sh"])
    p = run(cli, tmp_path, output, settings, "--bisect")
    assert p.returncode == 125, p.stderr
    d, data = latest(tmp_path)
    head = (d / "summary.md").read_text().splitlines()[2]
    assert head == "**UNTESTED** (exit 125)"
    p = run(cli, tmp_path, output, settings)
    assert p.returncode == 0
    d, data = latest(tmp_path)
    assert (d / "summary.md").read_text().splitlines()[2] == \
        "**PASSED** (exit 0)"
