# SPDX-License-Identifier: GPL-2.0-only
"""proc: a command that cannot start is a result, and an interrupted
caller leaves no child behind (validate's Ctrl-C and SIGTERM)."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from desctest_runner import proc

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(os.path.dirname(os.path.dirname(HERE)), "runner")


def test_a_missing_program_is_a_result():
    d = proc.run(["/nonexistent/desctest-no-such-tool", "x"])
    assert (d.returncode, d.why) == (
        None, "cannot run /nonexistent/desctest-no-such-tool: No such file "
        "or directory")


def test_a_timeout_is_a_result_and_the_child_is_gone():
    t0 = time.monotonic()
    d = proc.run(["sleep", "30"], timeout=1)
    assert (d.returncode, d.why) == (None, "sleep did not finish within 1 s")
    assert time.monotonic() - t0 < 10


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (not yet reaped by its new parent) has stopped running.
    with open("/proc/%d/stat" % pid) as f:
        return f.read().split(") ", 1)[1][0] != "Z"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT],
                         ids=["SIGTERM", "SIGINT"])
def test_interrupted_caller_stops_and_waits_for_the_group(tmp_path, sig):
    """The caller (as ./desctest validate: SIGTERM turned into
    KeyboardInterrupt) runs a script that started two background children;
    on the signal, logged() stops the script's whole process group and
    returns only when every one of them is gone."""
    pids = tmp_path / "pids"
    script = tmp_path / "child.sh"
    script.write_text(textwrap.dedent("""\
        #!/bin/bash
        sleep 300 & echo $! >> %(p)s
        sleep 300 & echo $! >> %(p)s
        echo $$ >> %(p)s
        wait
        """ % {"p": pids}))
    script.chmod(0o755)
    caller = textwrap.dedent("""\
        import signal, sys
        sys.path.insert(0, %(runner)r)
        from desctest_runner import proc
        def stop(signum, frame):
            raise KeyboardInterrupt
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            proc.logged([%(script)r], %(log)r)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(130)
        """ % {"runner": RUNNER, "script": str(script),
               "log": str(tmp_path / "log")})
    # The caller's own signal state is set up here, whatever this test
    # inherited (a background job of a script has SIGINT ignored).
    p = subprocess.Popen([sys.executable, "-c", caller],
                         stdout=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                          signal.SIG_DFL))
    for _ in range(100):
        if pids.exists() and len(pids.read_text().split()) == 3:
            break
        time.sleep(0.05)
    children = [int(x) for x in pids.read_text().split()]
    assert all(_alive(c) for c in children)
    p.send_signal(sig)
    out, _ = p.communicate(timeout=30)
    assert (p.returncode, out) == (130, "interrupted\n")
    assert [c for c in children if _alive(c)] == []
