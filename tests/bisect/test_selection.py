# SPDX-License-Identifier: GPL-2.0-only
"""One rule for which programs a glob names: the runner's --filter
(config.read_list), selection.py (VM_ONLY/VM_EXCLUDE in vm-run.sh,
build-programs.sh under bisect-run.sh) agree on every glob."""

import io
import os
import subprocess

import pytest

from bisect_world import TOP

from desctest_runner import selection
from desctest_runner.config import read_list

PROGS = ["host:umip", "host:umip_32", "host:percpu_gdt", "kvm:dt_regs",
         "kvm:a/b", "kvm_oracle:sregs_oracle",
         "differential:desc64_base_diff"]
GLOBS = ["host:umip", "host/umip", "host:*", "host/*", "*/dt_regs",
         "*:dt_regs", "kvm*", "kvm:*", "kvm/*", "*umip*", "host:umip?32",
         "[hk]*:*", "[!h]*", "kvm/a/*", "*:a/b", "*/b", "kvm:a/*", "*",
         "nosuch", "host", "umip"]


@pytest.mark.parametrize("glob", GLOBS)
def test_selection_is_the_runners_filter(tmp_path, glob):
    (tmp_path / "kselftest-list.txt").write_text("\n".join(PROGS) + "\n")
    runner = [p.id for p in read_list(str(tmp_path), os.path.join(
        TOP, "configs", "settings"), [glob])]
    assert selection.select(PROGS, [glob]) == runner


def cli(*args, stdin="\n".join(PROGS) + "\n"):
    out, err = io.StringIO(), io.StringIO()
    rc = selection.main(list(args), io.StringIO(stdin), out, err)
    return rc, out.getvalue(), err.getvalue()


def test_selection_command():
    assert cli("host/umip", "kvm:dt*") == (0, "host:umip\nkvm:dt_regs\n", "")
    assert cli("--exclude", "differential/*", "--exclude=kvm*") == (
        0, "host:umip\nhost:umip_32\nhost:percpu_gdt\n", "")
    assert cli("--", "--exclude") == (
        1, "", "selection: --exclude matches none of the 7 programs (%s)\n"
        % " ".join(PROGS))
    assert cli("--exclude") == (2, "", "selection: --exclude needs a GLOB\n")
    assert cli("-x") == (2, "", "selection: unknown option -x (want "
                         "--exclude GLOB, then GLOBs)\n")
    assert cli("x", stdin="# none\n\n") == (
        1, "", "selection: no program names on stdin\n")


def test_build_programs_names_a_glob_that_matches_nothing(tmp_path):
    p = subprocess.run([os.path.join(TOP, "runner", "build-programs.sh"),
                        "--output", str(tmp_path / "out"), "--only",
                        "nosuch*"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=120)
    assert p.returncode == 3, p.stderr
    assert p.stderr.startswith("build-programs.sh: nosuch* matches none of "
                               "the ")
    assert not (tmp_path / "out" / "kselftest-list.txt").exists()
    p = subprocess.run([os.path.join(TOP, "runner", "build-programs.sh"),
                        "--only"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    assert p.returncode == 2
    assert p.stderr == (
        "build-programs.sh: --only needs a value; usage: build-programs.sh "
        "--output DIR [--only GLOB]... [--exclude GLOB]... "
        "[-- MAKE-ARGUMENT...]\n")
