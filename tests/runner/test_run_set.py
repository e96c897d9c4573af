# SPDX-License-Identifier: GPL-2.0-only
"""tests/kvm/run-set.sh (make kvm_build_6.1's judge) never calls a
program that checked nothing a pass: exit 0 with every result skipped is
a SKIP with the program's reason, exit 0 with no result a failure."""

import os
import stat
import subprocess

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
RUN_SET = os.path.join(TOP, "tests", "kvm", "run-set.sh")


def judge(tmp_path, name, ktap, rc):
    prog = tmp_path / "kvm" / name
    prog.parent.mkdir(parents=True, exist_ok=True)
    prog.write_text("#!/bin/sh\ncat <<'EOF'\n%sEOF\nexit %d\n" % (ktap, rc))
    prog.chmod(prog.stat().st_mode | stat.S_IXUSR)
    p = subprocess.run([RUN_SET, str(tmp_path), "kvm/" + name],
                       capture_output=True, text=True)
    return p.returncode, p.stdout.splitlines()[0]


ALL_SKIP = ("TAP version 13\n1..2\nok 1 vcpu0_x # SKIP no VMX here\n"
            "ok 2 vcpu1_x # SKIP no VMX here\n")


@pytest.mark.parametrize("name,ktap,rc,want", [
    ("vmx_host_tr", ALL_SKIP, 0,
     (0, "kvm_build_6.1: kvm/vmx_host_tr: SKIP: every result: no VMX here")),
    ("dt_regs", "TAP version 13\n1..2\nok 1 a\nok 2 b # SKIP why\n", 0,
     (0, "kvm_build_6.1: kvm/dt_regs: PASS (1 of 2 results ran)")),
    ("dt_regs", "TAP version 13\n1..0\n", 0,
     (1, "kvm_build_6.1: kvm/dt_regs: FAIL (exit 0 with no result: "
         "nothing was checked)")),
    ("dt_regs", "TAP version 13\n1..1\nnot ok 1 a\n", 1,
     (1, "kvm_build_6.1: kvm/dt_regs: FAIL (exit 1)")),
    ("vmx_host_tr_unpatched", ALL_SKIP, 0,
     (0, "kvm_build_6.1: kvm/vmx_host_tr_unpatched: SKIP: every result: "
         "no VMX here")),
], ids=["all-skipped", "pass", "no-result", "fail", "unpatched-skipped"])
def test_run_set_verdicts(tmp_path, name, ktap, rc, want):
    assert judge(tmp_path, name, ktap, rc) == want
