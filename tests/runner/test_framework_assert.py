# SPDX-License-Identifier: GPL-2.0-only
"""A KVM selftests framework TEST_ASSERT (exit 254, KTAP stream cut) is a
failure of that program, with the assertion's text as the reason."""

import json
import os

from desctest_runner import execute, verdict
from desctest_runner.config import Program
from desctest_runner.execute import ProgramRun

from conftest import HERE, PROGS

WHERE = "lib/kvm/kvm_env.c:63: false"
MESSAGE = ("vCPU 1: exit reason 8 (KVM_EXIT_SHUTDOWN), guest RIP 0x4021f0; "
           "wanted a ucall (KVM_EXIT_IO)")
REASON = ("KVM selftests framework assertion failed (exit 254, after 2 "
          "result(s) of 4 planned): %s: %s" % (WHERE, MESSAGE))


def test_run_reports_the_assertion(tmp_path, make_output):
    # A real process: the report arrives on stderr, apart from the KTAP.
    output, _ = make_output(["framework_assert.sh"])
    res = tmp_path / "res"
    runner = execute.Runner(output, str(res / "raw"), str(res))
    run = runner.run(Program("progs", "framework_assert.sh", 5, True))
    assert run.returncode == 254
    cases = verdict.program_cases(run)
    whole = cases[-1]
    assert whole.id == "progs:framework_assert.sh"
    assert whole.outcome == "fail"
    assert whole.reason == REASON
    # The results printed before the cut keep their own verdicts.
    assert [(c.name, c.outcome) for c in cases[:-1]] == [
        ("vcpu0_gdtr", "pass"), ("vcpu0_idtr", "pass")]


def test_console_run_reports_the_assertion():
    # A console run (make vm_tests) has stdout and stderr in one stream.
    with open(os.path.join(PROGS, "framework_assert.sh")) as f:
        text = f.read()
    ktap = text.split("<<EOF2\n")[1].split("EOF2\n")[0]
    report = text.split("<<EOF2\n")[2].split("EOF2\n")[0]
    run = ProgramRun(Program("kvm", "dt_regs", 5, True), status="exited",
                     returncode=254)
    run.stdout_lines = (ktap + report).splitlines()
    whole = verdict.program_cases(run)[-1]
    assert whole.outcome == "fail"
    assert whole.reason == REASON


def test_missing_addr2line_is_not_the_message():
    # The guest initramfs has no addr2line: the shell says so instead of
    # the frames; the reason is still the assertion and its message.
    run = ProgramRun(Program("kvm", "ist", 5, True), status="exited",
                     returncode=254)
    run.stdout_lines = [
        "TAP version 13", "1..8",
        "==== Test Assertion Failure ====",
        "  x86_64/processor.c:580: false",
        "  pid=77 tid=77 errno=0 - Success",
        "sh: addr2line: not found",
        "  Unhandled exception '0xd' at guest RIP '0x402000'",
    ]
    whole = verdict.program_cases(run)[-1]
    assert whole.outcome == "fail"
    assert whole.reason == (
        "KVM selftests framework assertion failed (exit 254, after 0 "
        "result(s) of 8 planned): x86_64/processor.c:580: false: "
        "Unhandled exception '0xd' at guest RIP '0x402000'")


def test_exit_254_without_a_report_stays_a_bad_exit_code():
    run = ProgramRun(Program("kvm", "ist", 5, True), status="exited",
                     returncode=254)
    run.stdout_lines = ["TAP version 13", "1..1", "ok 1 a"]
    whole = verdict.program_cases(run)[-1]
    assert whole.outcome == "fail"
    assert "exit 254 is not a kselftest exit code" in whole.reason


def test_console_exit_254_is_the_assertion_not_a_signal(cli, tmp_path):
    # The console frame gives the exit as the shell saw it: 254 is the
    # framework's exit status, not "128 + signal 126"; 139 still is SIGSEGV.
    p = cli("import-console", "--results", tmp_path / "results", "--label",
            "vm-test", os.path.join(HERE, "fixtures", "console",
                                    "framework_assert.log"))
    assert p.returncode == 1, p.stderr
    with open(tmp_path / "results" / "latest" / "results.json") as f:
        data = json.load(f)
    progs = {x["id"]: x for x in data["programs"]}
    died = progs["kvm:tss_decode"]
    assert died["outcome"] == "fail"
    assert died["signal"] is None
    assert died["reason"] == (
        "KVM selftests framework assertion failed (exit 254, after 0 "
        "result(s) of 16 planned): tests/kvm/tss_decode.c:73: "
        "(uint64_t)(dt_sys_type(&s->desc)) == "
        "(uint64_t)(DT_SYS_TSS64_BUSY): dt_sys_type(&s->desc): seen 0x0, "
        "wanted 0xb")
    assert progs["kvm:crashes"]["signal"] == "SIGSEGV"
