# SPDX-License-Identifier: GPL-2.0-only
"""tests/upstream/agree.py's comparison (make upstream_agree): a verdict
that differs fails it unless README.md lists the difference."""

import importlib.util
import io
import os
from contextlib import redirect_stdout

import pytest

from desctest_runner import ktap

from conftest import TOP

spec = importlib.util.spec_from_file_location(
    "agree", os.path.join(TOP, "tests", "upstream", "agree.py"))
agree = importlib.util.module_from_spec(spec)
spec.loader.exec_module(agree)

PROGS = ["x86:a_64", "x86:a_32"]


def run(up, ds):
    out = io.StringIO()
    with redirect_stdout(out):
        bad = agree.compare("here", PROGS, up, ds)
    return bad, out.getvalue().splitlines()


def test_agreeing_verdicts():
    bad, lines = run({"x86:a_64": "pass", "x86:a_32": "skip"},
                     {"x86:a_64": ("pass", {}), "x86:a_32": ("skip", {})})
    assert bad == 0
    assert lines == ["upstream_agree: ok: here: all 2 programs agree "
                     "(pass 1, skip 1)"]


def test_unlisted_difference_fails():
    bad, lines = run({"x86:a_64": "pass", "x86:a_32": "pass"},
                     {"x86:a_64": ("fail", {"reason": "no KTAP output"}),
                      "x86:a_32": ("pass", {})})
    assert bad == 1
    assert lines[0].split() == ["upstream_agree:", "here:", "x86:a_64",
                                "upstream", "pass", "desctest", "fail",
                                "NOT", "LISTED:", "no", "KTAP", "output"]
    assert lines[-1] == ("upstream_agree: FAIL: here: 1 of 2 program(s) got "
                         "different verdicts from run_kselftest.sh and "
                         "desctest")


def test_enoexec_skip_is_listed_only_when_desctest_saw_enoexec():
    up = {"x86:a_64": "pass", "x86:a_32": "fail"}
    bad, lines = run(up, {"x86:a_64": ("pass", {}),
                          "x86:a_32": ("skip", {"status": "unsupported"})})
    assert bad == 0
    assert "i386 ELF refused by the kernel (ENOEXEC): desctest skips" in \
        lines[0]
    assert lines[-1].endswith("; 1 listed difference(s)")
    # A skip for any other reason is a real difference.
    bad, _ = run(up, {"x86:a_64": ("pass", {}),
                      "x86:a_32": ("skip", {"status": "exited"})})
    assert bad == 1


def test_missing_and_extra_programs_fail():
    bad, lines = run({"x86:a_64": "pass", "x86:a_32": "pass",
                      "x86:b_64": "pass"},
                     {"x86:a_64": ("pass", {})})
    assert bad == 2
    assert "upstream_agree: here: x86:b_64 ran but is not in " \
        "kselftest-list.txt" in lines


def test_upstream_stream_read():
    lines = ["TAP version 13", "1..4",
             "# selftests: x86: a_64", "ok 1 selftests: x86: a_64",
             "ok 2 selftests: x86: amx_64 # SKIP",
             "#", "not ok 3 selftests: x86: mov_ss_trap_64 # TIMEOUT 45 "
             "seconds",
             "not ok 4 selftests: x86: test_shadow_stack_64 # exit=1"]
    assert agree.upstream_verdicts(lines, ktap) == {
        "x86:a_64": "pass", "x86:amx_64": "skip",
        "x86:mov_ss_trap_64": "timeout", "x86:test_shadow_stack_64": "fail"}
    with pytest.raises(agree.Trouble):
        agree.upstream_verdicts(lines[:-1], ktap)


def test_kernel_report_is_listed():
    up = {"x86:a_64": "pass", "x86:a_32": "pass"}
    bad, lines = run(up, {"x86:a_64": ("pass", {}), "x86:a_32": (
        "fail", {"reason": "the kernel reported '[ 1.0] WARNING: CPU: 0' "
                 "(console line 9) while it ran (its own verdict: pass)"})})
    assert bad == 0
    assert "a kernel report while it ran: desctest fails it" in lines[0]
    bad, _ = run(up, {"x86:a_64": ("pass", {}), "x86:a_32": (
        "fail", {"reason": "exit 1"})})
    assert bad == 1
