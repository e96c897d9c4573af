# SPDX-License-Identifier: GPL-2.0-only
"""tests/kvm/names_match.py: the KVM programs' result names must not
depend on the framework (6.1 or 6.12 build) they ran on.  make vm_tests
runs it on its two real runs; here it is shown able to fail."""

import json
import os
import subprocess
import sys

from conftest import TOP

TOOL = os.path.join(TOP, "tests", "kvm", "names_match.py")


def write_run(root, run_id, label, programs, complete=True):
    """A results/<run_id>/results.json holding programs {id: [names]}."""
    tests = []
    for pid, names in programs.items():
        tests += [{"id": "%s::%s" % (pid, n), "program": pid, "name": n,
                   "outcome": "pass"} for n in names]
        tests.append({"id": pid, "program": pid, "name": "",
                      "outcome": "pass" if names else "skip"})
    data = {"run_id": run_id, "label": label, "complete": complete,
            "programs": [{"id": pid, "collection": pid.split(":")[0]}
                         for pid in programs],
            "tests": tests}
    d = root / run_id
    d.mkdir()
    (d / "results.json").write_text(json.dumps(data))


def run(root, *labels):
    return subprocess.run([sys.executable, TOOL, "--results", str(root)] +
                          list(labels), capture_output=True, text=True,
                          timeout=60)


def stable(n):
    return {"kvm:ist": ["vcpu%d_ist" % i for i in range(n)],
            "kvm_oracle:sregs_oracle": ["tr", "ldtr", "fs", "gs"],
            "module:tss_module_test": ["cpu0_gdtr", "cpu0_tss_descriptor"],
            "host:umip": ["only on one side"]}


def test_same_names_pass(tmp_path):
    write_run(tmp_path, "20260101T000000Z-aaaaaa", "vm-6.12", stable(8))
    b = stable(8)
    b["host:umip"] = ["another name: host programs are not compared"]
    write_run(tmp_path, "20260101T000100Z-bbbbbb", "vm-6.1", b)
    r = run(tmp_path, "vm-6.12", "vm-6.1")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "14 result names of 3 programs" in r.stdout


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
