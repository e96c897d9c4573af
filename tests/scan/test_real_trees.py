# SPDX-License-Identifier: GPL-2.0-only
"""The checker on Debian's kernel sources (make scan_trees_check): the
whole of arch/x86, virt/kvm and tools/testing/selftests of the patched
tree gives exactly the findings of tests/scan/real-trees.txt (each triaged
in tests/scan/README.md), none in get_desc64_base(); the tree's pristine
processor.h gives the get_desc64_base() finding."""

import json
import os
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
TREE = os.environ.get("DESCTEST_TREE", "")
UNPATCHED = os.environ.get("DESCTEST_TREE_UNPATCHED", "")
KVER = os.environ.get("DESCTEST_TREE_KVER", "")
DIRS = ["arch/x86", "virt/kvm", "tools/testing/selftests"]
PROC = "tools/testing/selftests/kvm/include/x86_64/processor.h"
# get_desc64_base()'s "(desc->base2) << 24" in the pristine processor.h
UNPATCHED_LINE = {"6.12": 424, "6.1": 234}

pytestmark = pytest.mark.skipif(
    not (TREE and UNPATCHED and KVER),
    reason="DESCTEST_TREE, DESCTEST_TREE_UNPATCHED and DESCTEST_TREE_KVER "
    "unset: make scan_trees_check prepares the trees and passes them")


def scan(*paths):
    p = subprocess.run([os.path.join(TOP, "desctest"), "scan", "--format",
                        "json"] + list(paths), cwd=TREE,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, stdin=subprocess.DEVNULL, timeout=1800)
    assert p.returncode in (0, 1), p.stderr
    return p.returncode, json.loads(p.stdout)


def expected():
    """'KVER path:line function' lines of real-trees.txt for this tree."""
    out = []
    with open(os.path.join(HERE, "real-trees.txt")) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line and line.split()[0] == KVER:
                out.append(" ".join(line.split()[1:3]))
    return sorted(out)


def test_whole_directories():
    rc, out = scan(*DIRS)
    real = os.path.realpath(TREE) + os.sep
    got = sorted("%s:%d %s" % (f["file"][len(real):], f["line"], f["function"])
                 for f in out["findings"])
    assert got == expected()
    assert rc == (1 if got else 0)
    assert not [f for f in out["findings"] if f["function"] == "get_desc64_base"]
    assert out["files"] > 2500
    # the tree was scanned without its build configuration, and says so
    assert out["linux_trees"] == [{
        "root": os.path.realpath(TREE), "files": out["files"],
        "not_fully_parsed": len(out["unparsed"]), "config_options": 29}]


def test_pristine_get_desc64_base():
    rc, out = scan(UNPATCHED)
    hits = [(f["line"], f["function"], f["expr"], f["operand_type"])
            for f in out["findings"]]
    assert hits == [(UNPATCHED_LINE[KVER], "get_desc64_base",
                     "(desc->base2) << 24", "unsigned int : 8")]
    assert rc == 1
