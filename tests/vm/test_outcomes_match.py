# SPDX-License-Identifier: GPL-2.0-only
"""tests/vm/outcomes_match.py: two boots of one kernel must give the same
(result name, outcome) pairs.  make vm_tests runs it on two real boots;
here it is shown able to fail, on runs written as the runner writes
results.json."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run_writer import write_results  # noqa: E402

TOOL = os.path.join(HERE, "outcomes_match.py")
LABEL = "vm-6.12.118+deb12-amd64"
SINCE = "20260101T000000Z"


def write_run(root, run_id, programs, label=LABEL, complete=True):
    write_results(root, run_id, label, programs, complete)


def run(root, label=LABEL, since=SINCE):
    return subprocess.run([sys.executable, TOOL, "--results", str(root),
                           "--label", label, "--since", since],
                          capture_output=True, text=True, timeout=60)


def boot():
    """What a boot files: the programs' results on 2 CPUs."""
    return {
        "host:percpu_gdt": [("percpu.cpu0.rdtscp", "pass"),
                            ("percpu.cpu1.rdtscp", "pass"), ("", "pass")],
        "kvm:tss_decode_unpatched": [("vcpu0_get_desc64_base", "xfail"),
                                     ("vcpu1_get_desc64_base", "pass"),
                                     ("", "pass")],
        "module:tss_module_test": [("cpu0_tss_descriptor", "pass"),
                                   ("cpu0_prefix_decode", "xfail"),
                                   ("", "pass")],
    }


def test_same_results_pass(tmp_path):
    write_run(tmp_path, "20260101T000100Z-aaaaaa", boot())
    write_run(tmp_path, "20260101T000200Z-bbbbbb", boot())
    r = run(tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == (
        "outcomes_match: 9 results of 3 programs identical in 2 boots of "
        "%s: 20260101T000100Z-aaaaaa, 20260101T000200Z-bbbbbb\n" % LABEL)


def test_outcome_following_the_boot_fails(tmp_path):
    # The pre-fix decode of a TSS whose randomized address has bit 31
    # clear on the second boot: PASS there, XFAIL on the first.
    write_run(tmp_path, "20260101T000100Z-aaaaaa", boot())
    b = boot()
    b["module:tss_module_test"][1] = ("cpu0_prefix_decode", "pass")
    write_run(tmp_path, "20260101T000200Z-bbbbbb", b)
    r = run(tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout.splitlines() == [
        "outcomes_match: results differ between 2 boots of %s:" % LABEL,
        "  module:tss_module_test: 'cpu0_prefix_decode': xfail in boot 1 "
        "(20260101T000100Z-aaaaaa), pass in boot 2 (20260101T000200Z-bbbbbb)",
    ]


def test_name_following_the_boot_fails(tmp_path):
    # A value in a name: each boot prints a name the other does not.
    a = boot()
    a["host:percpu_gdt"][0] = ("percpu.cpu0.gdt_0xfffffe0000001000", "pass")
    b = boot()
    b["host:percpu_gdt"][0] = ("percpu.cpu0.gdt_0xfffffe0000032000", "pass")
    write_run(tmp_path, "20260101T000100Z-aaaaaa", a)
    write_run(tmp_path, "20260101T000200Z-bbbbbb", b)
    r = run(tmp_path)
    assert r.returncode == 1
    assert r.stdout.splitlines()[1:] == [
        "  host:percpu_gdt: 'percpu.cpu0.gdt_0xfffffe0000001000' (pass) in "
        "boot 1 (20260101T000100Z-aaaaaa) only",
        "  host:percpu_gdt: 'percpu.cpu0.gdt_0xfffffe0000032000' (pass) in "
        "boot 2 (20260101T000200Z-bbbbbb) only",
    ]


def test_program_verdict_and_missing_program_fail(tmp_path):
    write_run(tmp_path, "20260101T000100Z-aaaaaa", boot())
    b = boot()
    b["kvm:tss_decode_unpatched"][2] = ("", "fail")
    del b["host:percpu_gdt"]
    write_run(tmp_path, "20260101T000200Z-bbbbbb", b)
    r = run(tmp_path)
    assert r.returncode == 1
    assert r.stdout.splitlines()[1:] == [
        "  host:percpu_gdt: run in boot 1 (20260101T000100Z-aaaaaa) only",
        "  kvm:tss_decode_unpatched: (the program's own verdict): pass in "
        "boot 1 (20260101T000100Z-aaaaaa), fail in boot 2 "
        "(20260101T000200Z-bbbbbb)",
    ]


def test_only_runs_of_the_label_since_the_stamp(tmp_path):
    # An older boot (before --since), another kernel's run, an
    # interrupted run and results/latest are not compared.
    old = boot()
    old["module:tss_module_test"][1] = ("cpu0_prefix_decode", "pass")
    write_run(tmp_path, "20251231T235959Z-000000", old)
    write_run(tmp_path, "20260101T000100Z-aaaaaa", boot())
    write_run(tmp_path, "20260101T000150Z-cccccc", old,
              label="vm-6.1.0-41-amd64")
    write_run(tmp_path, "20260101T000200Z-bbbbbb", boot())
    write_run(tmp_path, "20260101T000300Z-dddddd", old, complete=False)
    os.symlink("20260101T000300Z-dddddd", tmp_path / "latest")
    r = run(tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.endswith(
        "2 boots of %s: 20260101T000100Z-aaaaaa, 20260101T000200Z-bbbbbb\n"
        % LABEL)


def test_every_later_boot_against_the_first(tmp_path):
    write_run(tmp_path, "20260101T000100Z-aaaaaa", boot())
    write_run(tmp_path, "20260101T000200Z-bbbbbb", boot())
    c = boot()
    c["host:percpu_gdt"][1] = ("percpu.cpu1.rdtscp", "fail")
    write_run(tmp_path, "20260101T000300Z-cccccc", c)
    r = run(tmp_path)
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        "outcomes_match: results differ between 3 boots of %s:" % LABEL,
        "  host:percpu_gdt: 'percpu.cpu1.rdtscp': pass in boot 1 "
        "(20260101T000100Z-aaaaaa), fail in boot 3 (20260101T000300Z-cccccc)",
    ]


def test_one_boot_is_bad_input(tmp_path):
    write_run(tmp_path, "20260101T000100Z-aaaaaa", boot())
    write_run(tmp_path, "20260101T000200Z-bbbbbb", boot(), complete=False)
    r = run(tmp_path)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr == (
        "outcomes_match: 1 complete run(s) labelled %s under %s since %s "
        "(incomplete: 20260101T000200Z-bbbbbb); two boots of the kernel are "
        "needed: run make vm_tests\n" % (LABEL, tmp_path, SINCE))


def test_bad_stamp_is_bad_input(tmp_path):
    r = run(tmp_path, since="2026-01-01")
    assert r.returncode == 2
    assert r.stderr == (
        "outcomes_match: --since '2026-01-01' is not a UTC time "
        "YYYYmmddTHHMMSSZ (date -u +%Y%m%dT%H%M%SZ)\n")
