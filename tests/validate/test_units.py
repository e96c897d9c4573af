# SPDX-License-Identifier: GPL-2.0-only
"""The pieces of validate that need no tree: reading patches and series,
what a series touches, checkpatch's output, subject prefixes, and the
comparison adapter."""

import json
import os
import sys

import pytest

TOP = os.environ.get("DESCTEST_TOP") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "runner"))

from desctest_runner import validate, validate_checks, validate_patch  # noqa
from desctest_runner.config import InputError  # noqa

FIX = os.path.join(TOP, "configs", "get_desc64_base-fix.patch")
PROC_H = "tools/testing/selftests/kvm/include/x86_64/processor.h"


def test_the_fix_reads_as_a_mail(tmp_path):
    [p] = validate_patch.load(FIX, str(tmp_path))
    assert p.mail
    assert p.subject == "KVM: selftests: Fix sign extension of base2 in " \
        "get_desc64_base()"
    assert p.files == [PROC_H]
    assert p.tags("Signed-off-by") == [
        "desctest maintainers <desctest@example.org>"]
    assert [ln.strip() for _, ln in p.removed] == [
        "return ((uint64_t)desc->base3 << 32) |",
        "(desc->base0 | ((desc->base1) << 16) | ((desc->base2) << 24));"]
    assert validate_patch.kinds([p]) == {"selftests"}


def test_an_mbox_of_two_and_a_plain_diff(tmp_path):
    with open(FIX) as f:
        mail = f.read()
    mbox = tmp_path / "series.mbox"
    mbox.write_text(mail + "\n" + mail.replace(
        PROC_H, "arch/x86/kvm/x86.c"))
    ps = validate_patch.load(str(mbox), str(tmp_path / "s"))
    assert [p.name for p in ps] == ["series.mbox#1", "series.mbox#2"]
    assert validate_patch.kinds(ps) == {"selftests", "kernel"}
    plain = tmp_path / "d" / "x.diff"
    plain.parent.mkdir()
    plain.write_text("--- a/README\n+++ b/README\n@@ -1 +1 @@\n-a\n+b\n")
    [p] = validate_patch.load(str(plain.parent), str(tmp_path / "s2"))
    assert not p.mail and p.files == ["README"] and p.subject == ""
    assert validate_patch.kinds([p]) == {"other"}


def test_bad_patch_input(tmp_path):
    (tmp_path / "empty.patch").write_text("nothing here\n")
    with pytest.raises(InputError, match="holds no diff"):
        validate_patch.load(str(tmp_path / "empty.patch"), str(tmp_path))
    (tmp_path / "d").mkdir()
    with pytest.raises(InputError, match="a directory without"):
        validate_patch.load(str(tmp_path / "d"), str(tmp_path))


CHECKPATCH_OUT = """\
WARNING: Missing commit description - Add an appropriate one

ERROR: trailing whitespace
#39: FILE: tools/x.h:423:
+\treturn 1; $

CHECK: Alignment should match open parenthesis
#40: FILE: tools/x.h:424:
+\t       x);

total: 1 errors, 1 warnings, 1 checks, 12 lines checked

NOTE: Whitespace errors detected.
"""


def test_checkpatch_output_parsed():
    f, total = validate_checks.parse_checkpatch(CHECKPATCH_OUT)
    assert total == "total: 1 errors, 1 warnings, 1 checks, 12 lines checked"
    assert [(x.level, x.text, x.where, x.quote) for x in f] == [
        ("WARNING", "Missing commit description - Add an appropriate one",
         "", ""),
        ("ERROR", "trailing whitespace", "#39: FILE: tools/x.h:423:",
         "+\treturn 1; $"),
        ("CHECK", "Alignment should match open parenthesis",
         "#40: FILE: tools/x.h:424:", "+\t       x);")]


def test_subject_prefix():
    assert validate_checks._prefix("KVM: selftests: Fix it") == \
        "KVM: selftests:"
    assert validate_checks._prefix("KVM: x86: Fix it") == "KVM: x86:"
    assert validate_checks._prefix("Fix it") == ""
    c = validate_checks.PatchChecks(prefix_seen="KVM: x86:",
                                    prefix_wanted="KVM: selftests:")
    assert not validate_checks.prefix_ok(c)


def _run(tmp_path, name, tests):
    d = tmp_path / name
    d.mkdir()
    data = {"format": 1, "run_id": name, "complete": True, "tests": [
        {"id": tid, "program": tid.split("::")[0], "name": tid, "number": i,
         "outcome": o, "reason": ""} for i, (tid, o) in enumerate(tests, 1)]}
    (d / "results.json").write_text(json.dumps(data))
    return str(d / "results.json")


def test_compare_adapter(tmp_path):
    a = _run(tmp_path, "a", [("p::fixed", "fail"), ("p::xf", "xfail"),
                             ("p::reg", "pass"), ("p::gone", "pass"),
                             ("p::same", "pass"), ("p::v0 seen 0xbad", "fail")])
    b = _run(tmp_path, "b", [("p::fixed", "pass"), ("p::xf", "pass"),
                             ("p::reg", "fail"), ("p::same", "pass"),
                             ("p::new", "pass"), ("p::v0 seen 0x1", "pass")])
    rows = {r[1]: (r[0], r[2], r[3]) for r in validate.compare_runs(a, b)}
    assert rows == {"p::fixed": ("fixed", "fail", "pass"),
                    "p::xf": ("fixed", "xfail", "pass"),
                    "p::reg": ("regression", "pass", "fail"),
                    "p::gone": ("regression", "pass", "-"),
                    "p::new": ("appeared", "-", "pass"),
                    # same program and KTAP number, value in the name
                    "p::v0 seen 0x1": ("fixed", "fail", "pass")}
    # --allow-removed: the vanished test is listed, not a regression.
    rows = {r[1]: r[0] for r in validate.compare_runs(a, b, True)}
    assert rows["p::gone"] == "removed" and rows["p::reg"] == "regression"


def test_fixes_and_prefix_from_git_history(tmp_path):
    """In a git tree: Fixes: names the commit that added the removed
    lines (git log -S), the prefix comes from the touched file's log."""
    import subprocess
    tree = str(tmp_path / "t")
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")

    def git(*args):
        return subprocess.run(["git", "-C", tree] + list(args), env=env,
                              check=True, stdout=subprocess.PIPE,
                              text=True).stdout.strip()
    os.makedirs(os.path.join(tree, os.path.dirname(PROC_H)))
    git("init", "-q")
    with open(os.path.join(tree, PROC_H), "w") as f:
        f.write("int x;\n")
    git("add", ".")
    git("commit", "-q", "-m", "KVM: selftests: Add processor.h")
    with open(FIX) as f:
        fix = f.read()
    old = [ln[1:] for ln in fix.splitlines()
           if ln.startswith(("-\t", "- "))]
    with open(os.path.join(tree, PROC_H), "a") as f:
        f.write("\n".join(old) + "\n")
    git("commit", "-q", "-am", "KVM: selftests: Add get_desc64_base()")
    sha = git("log", "-1", "--abbrev=12", "--format=%h")
    [p] = validate_patch.load(FIX, str(tmp_path / "s"))
    c = validate_checks.PatchChecks()
    validate_checks.suggest_fixes(tree, p, True, True, c)
    assert c.fixes_suggested == [
        'Fixes: %s ("KVM: selftests: Add get_desc64_base()")' % sha]
    validate_checks.subject_prefix(tree, p, True, c)
    assert (c.prefix_seen, c.prefix_wanted) == ("KVM: selftests:",
                                                "KVM: selftests:")
    assert c.prefix_source == "git log of the touched files (2 of 2)"
    c = validate_checks.PatchChecks()
    validate_checks.suggest_fixes(tree, p, True, False, c)
    assert c.fixes_suggested == [] and "fixes no test" in c.fixes_note
