# SPDX-License-Identifier: GPL-2.0-only
"""The Coccinelle semantic patch (lib/scan/coccinelle/): exact reports on
the fixtures, the unpatched get_desc64_base() found, the patched one
clean.  What it does not find (an initialisation, a macro, C++) is in its
header and in the README."""

import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
COCCI = os.path.join(TOP, "lib", "scan", "coccinelle",
                     "promotion_sign_extension.cocci")
MSG = ("WARNING: narrow operand promoted to int and shifted into bit 31 "
       "sign-extends when widened to 64 bits; cast it to the wide type first")

pytestmark = pytest.mark.skipif(
    shutil.which("spatch") is None,
    reason="spatch (Debian package coccinelle) is not installed: make deps")


def spatch(*files):
    p = subprocess.run(["spatch", "--very-quiet", "-D", "report",
                        "--no-includes", "--include-headers",
                        "--sp-file", COCCI] + list(files),
                       cwd=TOP, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, stdin=subprocess.DEVNULL, timeout=600)
    assert p.returncode == 0, p.stderr
    return sorted(p.stdout.splitlines())


def test_fixtures():
    fix = os.path.join("tests", "scan", "fixtures")
    files = sorted(os.path.join(fix, f) for f in os.listdir(os.path.join(TOP, fix))
                   if f.endswith(".c"))
    assert spatch(*files) == [os.path.join(fix, w) + ": " + MSG for w in [
        "add_style.c:18:77-85",
        "bitfield.c:19:66-71",
        "bitfield.c:24:49-54",
        "gate.c:16:25-38",
        "or_style.c:13:49-56",
        "typedef_byte.c:15:23-32",
        "u16_shift.c:13:5-10",
        "u16_shift.c:19:9-14",
    ]]


UNPATCHED = os.environ.get("DESCTEST_UNPATCHED_PROCESSOR_H", "")
KSRC = os.environ.get("DESCTEST_KSRC", "")


@pytest.mark.skipif(not UNPATCHED, reason="DESCTEST_UNPATCHED_PROCESSOR_H "
                    "unset: make scan_check passes the Debian tree's copy")
def test_unpatched_get_desc64_base():
    assert spatch(UNPATCHED) == [UNPATCHED + ":424:49-54: " + MSG]


@pytest.mark.skipif(not KSRC, reason="DESCTEST_KSRC unset: make scan_check "
                    "passes the patched Debian tree")
def test_patched_get_desc64_base():
    assert spatch(os.path.join(
        KSRC, "tools/testing/selftests/kvm/include/x86_64/processor.h")) == []
