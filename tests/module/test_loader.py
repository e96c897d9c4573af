# SPDX-License-Identifier: GPL-2.0-only
"""The module loader's verdict rule (tss_module_test --report FILE) and its
whole-program SKIP: desctest's one exit rule (include/desctest/ktap.h,
dt_ktap_exit_code()), not a rule of its own.  DESCTEST_MODULE_OUT names
the directory holding the built loader (make module_units sets it)."""
import os
import subprocess

import pytest

OUT = os.environ.get("DESCTEST_MODULE_OUT", "")
LOADER = os.path.join(OUT, "tss_module_test")
VMX = os.path.join(OUT, "gdtr_vmx_exit")

pytestmark = pytest.mark.skipif(
    not os.access(LOADER, os.X_OK),
    reason="DESCTEST_MODULE_OUT does not hold tss_module_test: run make module_units")


def judge(tmp_path, report):
    f = tmp_path / "report.ktap"
    f.write_text(report)
    return subprocess.run([LOADER, "--report", str(f)], capture_output=True,
                          text=True, timeout=30)


# (report, exit code wanted, line the loader adds after the report)
CASES = {
    "all_skip": ("KTAP version 1\n1..2\nok 1 a # SKIP x\nok 2 b # SKIP y\n", 0, None),
    "pass_and_xfail": ("KTAP version 1\n1..2\nok 1 a\nok 2 b # XFAIL why\n", 0, None),
    "pass_and_skip": ("KTAP version 1\n1..2\nok 1 a\nok 2 b # SKIP why\n", 0, None),
    "one_fail": ("KTAP version 1\n1..2\nok 1 a\nnot ok 2 b\n", 1, None),
    "xpass": ("KTAP version 1\n1..1\nok 1 a # XPASS why\n", 1, None),
    "short_of_plan": ("KTAP version 1\n1..3\nok 1 a\nok 2 b\n", 1,
                      "# desctest_tss: the report plans 3 results but holds 2"),
    "no_results": ("KTAP version 1\n1..2\n", 1,
                   "# desctest_tss: the report holds no results"),
    "no_plan": ("KTAP version 1\nok 1 a\n", 1,
                "# desctest_tss: the report has no plan line"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_exit_code_by_the_one_rule(tmp_path, case):
    report, code, extra = CASES[case]
    r = judge(tmp_path, report)
    wanted = report + (extra + "\n" if extra else "")
    assert (r.returncode, r.stdout, r.stderr) == (code, wanted, "")


def test_unreadable_report_is_one_line_and_exit_1(tmp_path):
    missing = tmp_path / "none.ktap"
    r = subprocess.run([LOADER, "--report", str(missing)], capture_output=True,
                       text=True, timeout=30)
    assert (r.returncode, r.stdout, r.stderr) == (
        1, "", "tss_module_test: --report %s: No such file or directory: "
        "name a file holding a report of the module\n" % missing)


def test_bad_arguments_say_usage(tmp_path):
    r = subprocess.run([LOADER, "--bogus"], capture_output=True, text=True,
                       timeout=30)
    assert (r.returncode, r.stdout, r.stderr) == (
        1, "", "usage: tss_module_test [path/to/desctest_tss.ko] | --report FILE\n")


def as_nobody(prog):
    return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534",
                           "--clear-groups", prog], capture_output=True,
                          text=True, timeout=30)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to uid 65534")
def test_loader_skips_as_a_whole_with_kselftest_writer():
    r = as_nobody(LOADER)
    assert (r.returncode, r.stdout) == (
        4, "TAP version 13\n"
        "1..0 # SKIP loading a kernel module needs root (run as root)\n")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to uid 65534")
def test_gdtr_vmx_exit_skips_as_a_whole_without_root():
    r = as_nobody(VMX)
    assert (r.returncode, r.stdout) == (
        4, "TAP version 13\n"
        "1..0 # SKIP loading a kernel module needs root (run as root)\n")
