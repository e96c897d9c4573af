# SPDX-License-Identifier: GPL-2.0-only
"""make help: every target a user can name has its one line, and every
line names a target."""

import glob
import os
import re
import subprocess

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def _phony():
    names = set()
    files = [os.path.join(TOP, "Makefile")] + glob.glob(
        os.path.join(TOP, "lib", "*", "*.mk")) + glob.glob(
        os.path.join(TOP, "tests", "*", "build.mk")) + [
        os.path.join(TOP, "runner", "build.mk")]
    for path in files:
        with open(path) as f:
            for line in f:
                if line.startswith(".PHONY:"):
                    names.update(line.split(":", 1)[1].split())
    return names


def test_help_lists_every_target_once():
    p = subprocess.run(["make", "--no-print-directory", "-C", TOP, "help"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    assert p.returncode == 0, p.stderr
    listed = [m.group(1) for m in re.finditer(r"^  (\S+)\s+\S", p.stdout,
                                              re.M)]
    assert len(listed) == len(set(listed)), listed
    assert sorted(listed) == sorted(_phony()), p.stdout
