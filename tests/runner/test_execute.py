# SPDX-License-Identifier: GPL-2.0-only
"""execute.Runner: process groups, Ctrl-C, output capture."""

import os
import signal
import subprocess

from desctest_runner import execute
from desctest_runner.config import Program


def runner_for(tmp_path, make_output, names, timeout):
    output, _ = make_output(names, timeout=timeout)
    res = tmp_path / "res"
    return execute.Runner(output, str(res / "raw"), str(res))


def test_program_started_during_kill_all_is_killed(tmp_path, make_output,
                                                   monkeypatch):
    # Ctrl-C lands between Popen and the registration of the new group:
    # kill_all()'s snapshot misses it, so the runner must kill it itself.
    runner = runner_for(tmp_path, make_output, ["hang.sh"], timeout=3)
    real = subprocess.Popen

    def popen_then_ctrl_c(*a, **kw):
        proc = real(*a, **kw)
        runner.kill_all()
        return proc
    monkeypatch.setattr(execute.subprocess, "Popen", popen_then_ctrl_c)
    run = runner.run(Program("fx", "progs/hang.sh", 3))
    assert run.status == "interrupted"
    # SIGKILL at once, not the timeout's SIGTERM.
    assert run.returncode == -signal.SIGKILL
    child = tmp_path / "out" / "progs" / "hang.child-pid"
    if child.exists():
        pid = int(child.read_text())
        try:
            os.kill(pid, 0)
            alive = open("/proc/%d/stat" % pid).read().split()[2] != "Z"
        except (ProcessLookupError, FileNotFoundError):
            alive = False
        assert not alive, "hang.sh's child survived"


def test_kill_all_while_reading_kills_the_group(tmp_path, make_output,
                                                monkeypatch):
    # stopping set while the program runs (its group not yet in the
    # snapshot): the read loop sees it and kills the group.
    runner = runner_for(tmp_path, make_output, ["hang.sh"], timeout=3)
    real = execute._killpg
    calls = []

    def killpg(pgid, sig):
        calls.append(sig)
        real(pgid, sig)
    monkeypatch.setattr(execute, "_killpg", killpg)
    real_add = execute.ProgramRun.add_line

    def add_line(self, text, stamp):
        real_add(self, text, stamp)
        if text.startswith("ok 1"):
            runner.stopping.set()
    monkeypatch.setattr(execute.ProgramRun, "add_line", add_line)
    run = runner.run(Program("fx", "progs/hang.sh", 3))
    assert run.status == "interrupted"
    assert calls[0] == signal.SIGKILL, calls
    assert run.returncode == -signal.SIGKILL
