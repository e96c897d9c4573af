# SPDX-License-Identifier: GPL-2.0-only
"""tests/vm/names_match.py: the programs' result names must not depend
on the framework (6.1 or 6.12 build) they ran on.  make vm_tests
runs it on its two real runs; here it is shown able to fail."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run_writer import write_results  # noqa: E402

TOOL = os.path.join(HERE, "names_match.py")


def write_run(root, run_id, label, programs, complete=True):
    """A run whose programs {id: [names]} passed each named result; a
    program with none skipped as a whole."""
    write_results(root, run_id, label, {
        pid: [(n, "pass") for n in names] + [("", "pass" if names else
                                               "skip")]
        for pid, names in programs.items()}, complete)


def run(root, *labels):
    return subprocess.run([sys.executable, TOOL, "--results", str(root)] +
                          list(labels), capture_output=True, text=True,
                          timeout=60)


def stable(n):
    return {"kvm:ist": ["vcpu%d_ist" % i for i in range(n)],
            "kvm_oracle:sregs_oracle": ["tr", "ldtr", "fs", "gs"],
            "module:tss_module_test": ["cpu0_gdtr", "cpu0_tss_descriptor"],
            "host:umip": ["umip.detect", "umip.sgdt"],
            "host:umip_32": ["umip.detect", "umip.sgdt"]}


def test_same_names_pass(tmp_path):
    write_run(tmp_path, "20260101T000000Z-aaaaaa", "vm-6.12", stable(8))
    write_run(tmp_path, "20260101T000100Z-bbbbbb", "vm-6.1", stable(8))
    r = run(tmp_path, "vm-6.12", "vm-6.1")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "18 result names of 5 programs" in r.stdout


def test_host_names_drift_fails(tmp_path):
    # On 6.1 the host programs' names come from desctest's own harness
    # compatibility code (include/desctest/harness.h), on 6.12 from the
    # tree's harness: a name printed without its fixture on one side.
    write_run(tmp_path, "20260101T000000Z-aaaaaa", "vm-6.12", stable(8))
    b = stable(8)
    b["host:umip_32"] = ["umip.detect", "sgdt"]
    write_run(tmp_path, "20260101T000100Z-bbbbbb", "vm-6.1", b)
    r = run(tmp_path, "vm-6.12", "vm-6.1")
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout.splitlines() == [
        "names_match: differential: no program in any run, not compared",
        "names_match: result names differ between vm-6.12 "
        "(20260101T000000Z-aaaaaa) vs vm-6.1 (20260101T000100Z-bbbbbb):",
        "  host:umip_32: 'sgdt' in vm-6.1, not in vm-6.12",
        "  host:umip_32: 'umip.sgdt' in vm-6.12, not in vm-6.1",
    ]


def test_values_in_names_fail(tmp_path):
    # What the names looked like with values in them: the IST stack
    # address differs between the two frameworks' memory layouts.
    write_run(tmp_path, "20260101T000000Z-aaaaaa", "vm-6.12", {
        "kvm:ist": ["vcpu0 #UD ran on IST1 0x94000 of TSS 0xfffffe7cf8d65000"]})
    write_run(tmp_path, "20260101T000100Z-bbbbbb", "vm-6.1", {
        "kvm:ist": ["vcpu0 #UD ran on IST1 0x8000 of TSS 0xfffffe7cf8d65000"]})
    r = run(tmp_path, "vm-6.12", "vm-6.1")
    assert r.returncode == 1
    assert ("kvm:ist: 'vcpu0 #UD ran on IST1 0x8000 of TSS "
            "0xfffffe7cf8d65000' in vm-6.1, not in vm-6.12") in r.stdout
    assert ("kvm:ist: 'vcpu0 #UD ran on IST1 0x94000 of TSS "
            "0xfffffe7cf8d65000' in vm-6.12, not in vm-6.1") in r.stdout


def test_whole_program_skip_and_missing_program_fail(tmp_path):
    a = stable(8)
    b = stable(8)
    b["kvm:ist"] = []
    del b["module:tss_module_test"]
    write_run(tmp_path, "20260101T000000Z-aaaaaa", "vm-6.12", a)
    write_run(tmp_path, "20260101T000100Z-bbbbbb", "vm-6.1", b)
    r = run(tmp_path, "vm-6.12", "vm-6.1")
    assert r.returncode == 1
    assert "kvm:ist: no named results in vm-6.1" in r.stdout
    assert "module:tss_module_test: not run in vm-6.1" in r.stdout


def test_newest_complete_run_of_each_label(tmp_path):
    write_run(tmp_path, "20260101T000000Z-aaaaaa", "vm-6.12", {
        "kvm:ist": ["old name"]})
    write_run(tmp_path, "20260101T000200Z-cccccc", "vm-6.12", stable(8))
    write_run(tmp_path, "20260101T000300Z-dddddd", "vm-6.12", {
        "kvm:ist": ["interrupted run"]}, complete=False)
    write_run(tmp_path, "20260101T000100Z-bbbbbb", "vm-6.1", stable(8))
    r = run(tmp_path, "vm-6.12", "vm-6.1")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "20260101T000200Z-cccccc" in r.stdout


def test_missing_run_is_bad_input(tmp_path):
    write_run(tmp_path, "20260101T000000Z-aaaaaa", "vm-6.12", stable(8))
    r = run(tmp_path, "vm-6.12", "vm-6.1")
    assert r.returncode == 2
    assert "no complete run labelled vm-6.1" in r.stderr


# Debian releases have a "+" in them.
R612 = "vm-6.12.118+deb12-amd64"
R61 = "vm-6.1.0-41-amd64"
S612 = R612 + ",differential-6.12"
S61 = R61 + ",differential-6.1"
DIFF = ["reference", "prefix-recreation", "tree-unpatched", "tree-patched"]


def test_differential_from_runs_beside_the_boots(tmp_path):
    # The boots leave differential out (VM_EXCLUDE); make vm_tests files
    # each series' differential from a host run beside its boot.
    write_run(tmp_path, "20260101T000000Z-aaaaaa", R612, stable(8))
    write_run(tmp_path, "20260101T000010Z-cccccc", "differential-6.12",
              {"differential:desc64_base_diff": DIFF})
    write_run(tmp_path, "20260101T000100Z-bbbbbb", R61, stable(8))
    write_run(tmp_path, "20260101T000110Z-dddddd", "differential-6.1",
              {"differential:desc64_base_diff": DIFF})
    r = run(tmp_path, S612, S61)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == (
        "names_match: 22 result names of 6 programs (kvm, kvm_oracle, "
        "module, host, differential) identical in "
        "vm-6.12.118+deb12-amd64,differential-6.12 "
        "(20260101T000000Z-aaaaaa,20260101T000010Z-cccccc) vs "
        "vm-6.1.0-41-amd64,differential-6.1 "
        "(20260101T000100Z-bbbbbb,20260101T000110Z-dddddd)\n")


def test_differential_names_drift_fails(tmp_path):
    write_run(tmp_path, "20260101T000000Z-aaaaaa", R612, stable(8))
    write_run(tmp_path, "20260101T000010Z-cccccc", "differential-6.12",
              {"differential:desc64_base_diff": DIFF})
    write_run(tmp_path, "20260101T000100Z-bbbbbb", R61, stable(8))
    write_run(tmp_path, "20260101T000110Z-dddddd", "differential-6.1",
              {"differential:desc64_base_diff": DIFF[:2] + ["tree"]})
    r = run(tmp_path, S612, S61)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout.splitlines()[1:] == [
        "  differential:desc64_base_diff: 'tree' in %s, not in %s"
        % (S61, S612),
        "  differential:desc64_base_diff: 'tree-patched' in %s, not in %s"
        % (S612, S61),
        "  differential:desc64_base_diff: 'tree-unpatched' in %s, not in %s"
        % (S612, S61),
    ]


def test_collection_in_no_run_is_said(tmp_path):
    # VM_ONLY=kvm:*: nothing else to compare, and the output says so.
    write_run(tmp_path, "20260101T000000Z-aaaaaa", "vm-6.12",
              {"kvm:ist": ["vcpu0_ist"]})
    write_run(tmp_path, "20260101T000100Z-bbbbbb", "vm-6.1",
              {"kvm:ist": ["vcpu0_ist"]})
    r = run(tmp_path, "vm-6.12", "vm-6.1")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines() == [
        "names_match: kvm_oracle, module, host, differential: no program in "
        "any run, not compared",
        "names_match: 1 result names of 1 programs (kvm, kvm_oracle, module, "
        "host, differential) identical in vm-6.12 (20260101T000000Z-aaaaaa) "
        "vs vm-6.1 (20260101T000100Z-bbbbbb)",
    ]


def test_missing_half_of_a_side_is_bad_input(tmp_path):
    write_run(tmp_path, "20260101T000000Z-aaaaaa", R612, stable(8))
    write_run(tmp_path, "20260101T000100Z-bbbbbb", R61, stable(8))
    write_run(tmp_path, "20260101T000110Z-dddddd", "differential-6.1",
              {"differential:desc64_base_diff": DIFF})
    r = run(tmp_path, S612, S61)
    assert r.returncode == 2
    assert r.stderr == (
        "names_match: no complete run labelled differential-6.12 under %s; "
        "run make vm_tests first\n" % tmp_path)


def test_a_program_allowed_to_skip_everywhere(tmp_path):
    """module:gdtr_vmx_exit needs kvm_intel, which no QEMU guest has: with
    --skipped-everywhere it may skip as a whole in every run (said, not
    compared); without it, or where it skipped on one side only, it
    fails."""
    a, b = stable(8), stable(8)
    a["module:gdtr_vmx_exit"] = []
    b["module:gdtr_vmx_exit"] = []
    write_run(tmp_path, "20260101T000000Z-aaaaaa", "vm-6.12", a)
    write_run(tmp_path, "20260101T000100Z-bbbbbb", "vm-6.1", b)
    r = run(tmp_path, "vm-6.12", "vm-6.1")
    assert r.returncode == 1
    assert ("  module:gdtr_vmx_exit: no named results in vm-6.12 (skipped "
            "as a whole?): nothing to compare") in r.stdout.splitlines()
    r = run(tmp_path, "--skipped-everywhere", "module:gdtr_vmx_exit",
            "vm-6.12", "vm-6.1")
    assert r.returncode == 0, r.stdout + r.stderr
    assert (
        "names_match: module:gdtr_vmx_exit: skipped as a whole in every run "
        "(--skipped-everywhere), not compared") in r.stdout.splitlines()
    assert "18 result names of 5 programs" in r.stdout.splitlines()[-1]
    b["module:gdtr_vmx_exit"] = ["gdtr_while_vcpus_run"]
    write_run(tmp_path, "20260101T000200Z-cccccc", "vm-6.1", b)
    r = run(tmp_path, "--skipped-everywhere", "module:gdtr_vmx_exit",
            "vm-6.12", "vm-6.1")
    assert r.returncode == 1
    assert ("  module:gdtr_vmx_exit: no named results in vm-6.12 (skipped "
            "as a whole?): nothing to compare") in r.stdout.splitlines()
