# SPDX-License-Identifier: GPL-2.0-only
"""The whole-program check: kselftest exit codes against the KTAP."""

import pytest

from desctest_runner import verdict
from desctest_runner.config import Program
from desctest_runner.execute import ProgramRun


def prog_case(text, rc, status="exited"):
    run = ProgramRun(Program("c", "p", 5, True), status=status, returncode=rc)
    run.stdout_lines = text.splitlines()
    cases = verdict.program_cases(run)
    return cases[-1]


OK2 = "TAP version 13\n1..2\nok 1 a\nok 2 b\n"
FAIL = "TAP version 13\n1..1\nnot ok 1 a\n"


@pytest.mark.parametrize("text,rc,outcome,words", [
    (OK2, 0, "pass", ""),
    (OK2, 1, "fail", "exit 1 but no failing result"),
    (FAIL, 1, "fail", "exit 1: 1 test(s) failed: a"),
    (FAIL, 0, "fail", "exit 0 after not ok a"),
    (FAIL, 4, "fail", "exit 4 after 1 failing result"),
    ("TAP version 13\n1..0 # SKIP no /dev/kvm\n", 4, "skip", "no /dev/kvm"),
    ("# cannot open /dev/kvm: load kvm_amd\n", 4, "skip",
     "exit 4 (skip) with no KTAP output"),
    ("TAP version 13\n1..1\nok 1 # SKIP vmx missing\n", 4, "skip",
     "vmx missing"),
    ("TAP version 13\n1..3\n# no second CPU: boot with -smp 2\n", 4,
     "skip", "no second CPU: boot with -smp 2"),
    ("TAP version 13\n1..3\n", 0, "fail", "stopped mid-stream"),
    ("TAP version 13\n1..3\nBail out! no memory\n", 4, "fail",
     "Bail out! no memory"),
    (OK2, 2, "xfail", ""),
    (OK2, 3, "xpass", ""),
    (OK2, 255, "fail", "exit 255 is not a kselftest exit code"),
    ("", 0, "fail", "no KTAP output (empty stdout)"),
    ("TAP version 13\n1..1\nok 1 a\n# Totals: pass:0 fail:0 xfail:0 "
     "xpass:0 skip:0 error:0\n", 0, "fail", "Totals says pass:0"),
])
def test_program_verdict(text, rc, outcome, words):
    c = prog_case(text, rc)
    assert c.outcome == outcome, c.reason
    assert words in c.reason


def test_status_beats_exit_code():
    assert prog_case(OK2, -11, "signaled").outcome == "fail"
    assert prog_case(OK2, -15, "timeout").outcome == "timeout"
    assert prog_case("", None, "missing").outcome == "error"


def test_subtests_keep_their_outcomes_when_the_program_dies():
    run = ProgramRun(Program("c", "p", 5, True), status="signaled", returncode=-11,
                     signal="SIGSEGV", error="crashed: killed by SIGSEGV")
    run.stdout_lines = ["TAP version 13", "1..3", "ok 1 a",
                        "# SEEN 0x1 WANTED 0x2", "not ok 2 b"]
    cases = verdict.program_cases(run)
    assert [(c.name, c.outcome) for c in cases] == [
        ("a", "pass"), ("b", "fail"), ("", "fail")]
    assert cases[1].reason == "SEEN 0x1 WANTED 0x2"
    assert cases[2].reason == "crashed: killed by SIGSEGV"


def test_fail_reason_is_the_line_marked_mismatch():
    # Later lines of the same test that matched do not hide the one that
    # differed; without a mark the last words before "not ok" are kept.
    c = {x.name: x for x in verdict.program_cases(ProgramRun(
        Program("c", "p", 5, True), status="exited", returncode=1,
        stdout_lines=["TAP version 13", "1..2",
                      "# a: type seen 0x3 wanted 0x3",
                      "# a: P seen 0x0 wanted 0x1  <-- MISMATCH",
                      "# a: G seen 0x1 wanted 0x1", "not ok 1 a",
                      "# b: setup failed: EINVAL", "# b: giving up",
                      "not ok 2 b"]))}
    assert c["a"].reason == "a: P seen 0x0 wanted 0x1  <-- MISMATCH"
    assert c["b"].reason == "b: giving up"


def test_duplicate_names_stay_apart():
    run = ProgramRun(Program("c", "p", 5, True), returncode=0)
    run.stdout_lines = ["1..2", "ok 1 same", "ok 2 same"]
    assert [c.id for c in verdict.program_cases(run)] == [
        "c:p::same", "c:p::same [2]", "c:p"]


def test_exit_status():
    def cs(*outs):
        return [verdict.Case(id=str(i), program="p", name="", outcome=o)
                for i, o in enumerate(outs)]
    assert verdict.exit_status(cs("pass", "skip", "xfail")) == 0
    assert verdict.exit_status(cs("pass", "fail")) == 1
    assert verdict.exit_status(cs("pass", "xpass")) == 1
    assert verdict.exit_status(cs("pass", "error")) == 1
    assert verdict.exit_status(cs("pass", "skip"), bisect=True) == 0
    assert verdict.exit_status(cs("pass", "timeout"), bisect=True) == 1
    assert verdict.exit_status(cs("skip", "skip"), bisect=True) == 125
    assert verdict.exit_status(cs("pass", "error"), bisect=True) == 125
    assert verdict.exit_status(cs("pass"), bisect=True,
                               interrupted=True) == 125


@pytest.mark.parametrize("totals", [
    "# Totals: everything passed\n",
    "# Totals: pass:1 fail:0\n# Totals: pass:1 fail:0\n"])
def test_unreadable_or_second_totals_fails_the_program(totals):
    c = prog_case("TAP version 13\n1..1\nok 1 a\n" + totals, 0)
    assert c.outcome == "fail"
    assert "# Totals line" in c.reason


def nested_cases(children, parent="ok 1 selftests: x86: a"):
    text = ("TAP version 13\n1..1\n# selftests: x86: a\n" +
            "".join("# " + l + "\n" for l in children.splitlines()) +
            parent + "\n")
    run = ProgramRun(Program("c", "p", 5, True), status="exited",
                     returncode=0 if parent.startswith("ok") else 1)
    run.stdout_lines = text.splitlines()
    return {c.name: c for c in verdict.program_cases(run)}


def test_nested_note_does_not_fail_the_parent():
    # Misnumbered child results: a note at top level, so a note nested.
    cases = nested_cases("TAP version 13\n1..2\nok 1 x\nok 3 y")
    parent = cases["selftests: x86: a"]
    assert parent.outcome == "pass", parent.reason
    assert any("result numbered 3" in d for d in parent.details)


def test_nested_fatal_problem_fails_the_parent_with_its_reason():
    cases = nested_cases("TAP version 13\n1..3\nok 1 x")
    parent = cases["selftests: x86: a"]
    assert parent.outcome == "fail"
    assert parent.reason.startswith("bad nested KTAP stream: stopped "
                                    "mid-stream: plan 1..3 but 1 result")


def test_failing_parent_reason_names_failing_children():
    cases = nested_cases("TAP version 13\n1..2\nnot ok 1 base3 kept\n"
                         "ok 2 y\n# Totals: pass:1 fail:1 xfail:0 xpass:0 "
                         "skip:0 error:0", parent="not ok 1 selftests: "
                         "x86: a")
    parent = cases["selftests: x86: a"]
    assert parent.outcome == "fail"
    assert parent.reason == "1 nested test(s) failed: base3 kept"
