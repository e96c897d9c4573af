# SPDX-License-Identifier: GPL-2.0-only
"""The pieces of validate that need no tree: reading patches and series,
what a series touches, checkpatch's output, subject prefixes, and the
comparison adapter."""

import json
import re
import os
import sys

import pytest

TOP = os.environ.get("DESCTEST_TOP") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "runner"))

from desctest_runner.validate import checks as validate_checks  # noqa
from desctest_runner.validate import command as validate  # noqa
from desctest_runner.validate import patches as validate_patch  # noqa
from desctest_runner.validate import report as validate_report  # noqa
from desctest_runner.config import InputError  # noqa

FIX = os.path.join(TOP, "configs", "get_desc64_base-fix.patch")
UMIP = os.path.join(TOP, "tests", "validate", "fixtures",
                    "0001-x86-umip-move-the-dummy-GDT-base.patch")
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
    d.mkdir(parents=True)
    data = {"format": 1, "run_id": name, "complete": True, "tests": [
        {"id": t[0], "program": t[0].split("::")[0],
         "name": t[0].partition("::")[2], "number": i if "::" in t[0]
         else None, "outcome": t[1], "reason": t[2] if len(t) > 2 else ""}
        for i, t in enumerate(tests, 1)]}
    (d / "results.json").write_text(json.dumps(data))
    return str(d / "results.json")


def test_compare_adapter(tmp_path):
    a = _run(tmp_path, "a", [("p::fixed", "fail"), ("p::xf", "xfail"),
                             ("p::reg", "pass"), ("p::gone", "pass"),
                             ("p::same", "pass")])
    b = _run(tmp_path, "b", [("p::fixed", "pass"), ("p::xf", "pass"),
                             ("p::reg", "fail"), ("p::same", "pass"),
                             ("p::new", "pass")])
    rows = {r[1]: (r[0], r[2], r[3]) for r in validate.compare_runs(a, b)}
    assert rows == {"p::fixed": ("fixed", "fail", "pass"),
                    "p::xf": ("fixed", "xfail", "pass"),
                    "p::reg": ("regression", "pass", "fail"),
                    "p::gone": ("regression", "pass", "-"),
                    "p::new": ("appeared", "-", "pass")}
    # --allow-removed: the vanished test is listed, not a regression.
    rows = {r[1]: r[0] for r in validate.compare_runs(a, b, True)}
    assert rows["p::gone"] == "removed" and rows["p::reg"] == "regression"


def _git_tree(tmp_path):
    import subprocess
    tree = str(tmp_path / "t")
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
    n = [0]

    def git(*args):
        # Each commit a minute after the last: git's order by date is the
        # order they were made in.
        n[0] += 1
        e = dict(env, GIT_AUTHOR_DATE="2026-01-01T00:%02d:00Z" % n[0],
                 GIT_COMMITTER_DATE="2026-01-01T00:%02d:00Z" % n[0])
        return subprocess.run(["git", "-C", tree] + list(args), env=e,
                              check=True, stdout=subprocess.PIPE,
                              text=True).stdout.strip()
    os.makedirs(tree)
    git("init", "-q")
    return tree, git


def _write(tree, rel, lines):
    path = os.path.join(tree, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("".join(ln + "\n" for ln in lines))


def test_fixes_names_the_newest_commit_that_wrote_the_removed_lines(
        tmp_path):
    """Fixes: is git blame of the removed lines on the base: the commit
    that wrote them where the patch removes them, not the oldest commit
    that ever held the same text (git log --reverse -S named the first
    commit here, which only had the line elsewhere)."""
    tree, git = _git_tree(tmp_path)
    [p] = validate_patch.load(FIX, str(tmp_path / "s"))
    old = [text for _, _, text in p.removed_at]
    first = p.removed_at[0][1]
    # An early commit holds the same lines in another file.
    _write(tree, "tools/old.h", old)
    _write(tree, PROC_H, ["/* line %d */" % i for i in range(1, first)])
    git("add", ".")
    git("commit", "-q", "-m", "KVM: selftests: Add processor.h")
    early = git("log", "-1", "--format=%h", "--abbrev=12")
    # The commit that wrote them where the patch removes them.
    _write(tree, PROC_H, ["/* line %d */" % i for i in range(1, first)] +
           old + ["}"])
    git("commit", "-q", "-am", "KVM: selftests: Add get_desc64_base()")
    sha = git("log", "-1", "--format=%h", "--abbrev=12")
    # A later, unrelated commit to the same file.
    _write(tree, PROC_H, ["/* line %d */" % i for i in range(1, first)] +
           old + ["}", "/* more */"])
    git("commit", "-q", "-am", "KVM: selftests: Add a comment")
    assert sha != early
    c = validate_checks.PatchChecks()
    validate_checks.suggest_fixes(tree, p, True, (True, ""), c)
    assert c.fixes_suggested == [
        'Fixes: %s ("KVM: selftests: Add get_desc64_base()")' % sha]
    validate_checks.subject_prefix(tree, p, True, c)
    assert (c.prefix_seen, c.prefix_wanted) == ("KVM: selftests:",
                                                "KVM: selftests:")
    assert c.prefix_source == "git log of the touched files (3 of 3)"
    c = validate_checks.PatchChecks()
    validate_checks.suggest_fixes(tree, p, True,
                                  (False, "the patch fixes no test"), c)
    assert c.fixes_suggested == [] and c.fixes_note == \
        "no Fixes: suggested: the patch fixes no test"


def test_prefix_without_history_is_not_checked(tmp_path):
    """A tree without history cannot say what a subsystem's prefix is:
    "x86/umip:" on arch/x86/kernel/umip.c is not called a mismatch."""
    [p] = validate_patch.load(UMIP, str(tmp_path / "s"))
    assert p.subject == "x86/umip: Move the dummy GDT base"
    c = validate_checks.PatchChecks()
    validate_checks.subject_prefix(str(tmp_path), p, False, c)
    assert (c.prefix_seen, c.prefix_wanted) == ("x86/umip:", "")
    assert c.prefix_note == ('not checked: the tree has no git history; '
                             'the usual one under arch/x86/ is "x86:"')
    assert validate_checks.prefix_ok(c)


def _checkpatch_tree(tmp_path, script):
    tree = tmp_path / "tree"
    (tree / "scripts").mkdir(parents=True)
    if script is not None:
        (tree / "scripts" / "checkpatch.pl").write_text(script)
    return str(tree)


@pytest.mark.parametrize("script,path,note", [
    (None, None, "did not run: %(tree)s has no scripts/checkpatch.pl"),
    ("print STDERR \"Can't locate Term/ANSIColor.pm in \\@INC\\n\"; exit 255;\n",
     None, "did not finish: exit 255 without its \"total:\" line: Can't "
     "locate Term/ANSIColor.pm in @INC"),
    ("exit 3;\n", None,
     "did not finish: exit 3 without its \"total:\" line: "),
    ("print \"total: 0 errors, 0 warnings, 0 checks, 1 lines checked\\n\";"
     " exit 1;\n", None,
     "exit 1 does not agree with its findings (total: 0 errors, 0 "
     "warnings, 0 checks, 1 lines checked): total: 0 errors, 0 warnings, "
     "0 checks, 1 lines checked"),
    ("print \"total: 0 errors\\n\";\n", "/nonexistent",
     "did not run: cannot run perl: No such file or directory"),
], ids=["missing", "crash", "silent-exit", "exit-disagrees", "no-perl"])
def test_checkpatch_that_did_not_run_is_not_clean(tmp_path, monkeypatch,
                                                  script, path, note):
    """checkpatch.pl missing, crashing, exiting without its total, or no
    perl at all: never "clean", and the validation cannot pass."""
    tree = _checkpatch_tree(tmp_path, script)
    if path:
        monkeypatch.setenv("PATH", path)
    [p] = validate_patch.load(FIX, str(tmp_path / "s"))
    c = validate_checks.PatchChecks()
    validate_checks.checkpatch(tree, p, c)
    assert not c.checkpatch_ran
    assert c.checkpatch_note == note % {"tree": tree}
    v = _validation(tmp_path, {})
    v.checks = {p.name: c}
    word, status, why = validate_report.decide(v)
    assert (word, status) == ("NOT TESTED", 1)
    assert why == ["checkpatch.pl --strict on %s %s" % (p.name,
                                                         c.checkpatch_note)]


def _validation(tmp_path, runs, kinds=("selftests",)):
    """A Validation whose sides ran: runs maps (side, mode) to test
    lists (id, outcome[, reason])."""
    import argparse
    a = argparse.Namespace(work=str(tmp_path / "w"),
                           results=str(tmp_path / "r"), allow_removed=False,
                           keep=False, patch=[], commits="", ksrc="",
                           kver="6.12", mode=[], programs=[])
    v = validate.Validation(a, lambda msg: None)
    v.kinds = set(kinds)
    v.modes = list(dict.fromkeys(m for _, m in runs))
    for (side, mode), tests in runs.items():
        v.runs[(side, mode)] = _run(tmp_path, "%s-%s" % (side, mode), tests)
    return v


PROG = [("k:a", "pass"), ("k:a::one", "pass"), ("k:a::two", "fail")]
CONSOLE = [("console:console.log", "error",
            "no DESCTEST-MACHINE line in console.log: the guest never "
            "started the suite")]


@pytest.mark.parametrize("before,after,allow,why", [
    (PROG, CONSOLE, False, "own kernel under QEMU, after the patches: no "
     "program ran: no DESCTEST-MACHINE line in console.log: the guest never "
     "started the suite"),
    (PROG, CONSOLE, True, "own kernel under QEMU, after the patches: no "
     "program ran: no DESCTEST-MACHINE line in console.log: the guest never "
     "started the suite"),
    (CONSOLE, CONSOLE, False, "own kernel under QEMU, before the patches: "
     "no program ran: no DESCTEST-MACHINE line in console.log: the guest "
     "never started the suite"),
    ([("k:a", "skip"), ("k:a::one", "skip")],
     [("k:a", "skip"), ("k:a::one", "skip")], False,
     "own kernel under QEMU, before the patches: every test skipped (no "
     "reason given)"),
    (PROG, [("k:b", "pass"), ("k:b::one", "pass")], True,
     "own kernel under QEMU: the runs share no test (A has 3, B has 2): "
     "nothing to compare; pass two runs of the same programs"),
], ids=["after-console-only", "after-console-only-allow-removed",
        "both-console-only", "all-skipped", "nothing-in-common"])
def test_no_pass_without_evidence(tmp_path, before, after, allow, why):
    v = _validation(tmp_path, {("before", "kernel"): before,
                               ("after", "kernel"): after})
    v.a.allow_removed = allow
    v.compare()
    word, status, reasons = validate_report.decide(v)
    assert (word, status) == ("NOT TESTED", 1), reasons
    assert why in reasons, reasons


def test_identical_kernels_are_refused(tmp_path):
    v = _validation(tmp_path, {("before", "kernel"): PROG,
                               ("after", "kernel"): PROG},
                    kinds=("kernel",))
    same = {"uts_version": "#1 SMP PREEMPT_DYNAMIC", "sha256": "ab" * 32}
    v.kernels = {"before": same, "after": dict(same)}
    v.compare()
    word, status, reasons = validate_report.decide(v)
    assert (word, status) == ("NOT TESTED", 1)
    assert reasons == [
        "own kernel: the after side booted the same kernel as the before "
        "side (bzImage sha256 abababababababab, #1 SMP PREEMPT_DYNAMIC) "
        "although the patches change kernel code: the patched code was "
        "never built"]
    v = _validation(tmp_path / "2", {("before", "kernel"): PROG,
                                     ("after", "kernel"): PROG},
                    kinds=("kernel",))
    v.kernels = {"before": same, "after": dict(same, sha256="cd" * 32)}
    v.compare()
    assert validate_report.decide(v) == ("PASS", 0, [])


def test_a_new_failing_test_is_a_regression(tmp_path):
    """A test, or a whole program, that appears after the patch and fails
    is a regression, named; one that passes is listed as appeared."""
    v = _validation(tmp_path, {
        ("before", "host"): PROG,
        ("after", "host"): PROG + [("k:new", "fail"),
                                   ("k:new::x", "fail"),
                                   ("k:ok", "pass")]})
    v.compare()
    assert [(r[0], r[1]) for r in v.rows["host"]] == [
        ("regression", "k:new"), ("regression", "k:new::x"),
        ("appeared", "k:ok")]
    word, status, reasons = validate_report.decide(v)
    assert (word, status, reasons) == ("FAIL", 1, ["2 regression(s)"])


def test_fixes_only_for_a_single_patch_that_fixed_its_tests(tmp_path):
    v = _validation(tmp_path, {("before", "host"): PROG,
                               ("after", "host"): [("k:a", "pass"),
                                                   ("k:a::one", "pass"),
                                                   ("k:a::two", "pass")]})
    v.compare()
    v.patches = [object()]
    assert v.own_fixed() == (True, "")
    v.patches = [object(), object()]
    fixed, why = v.own_fixed()
    assert not fixed and why.startswith("the series was tested as a whole")


def test_compare_and_validate_share_one_rule(tmp_path):
    """xfail -> pass is fixed for both commands."""
    from desctest_runner import compare
    assert compare.change("xfail", "pass") == "fixed"
    v = _validation(tmp_path, {("before", "host"): [("k:a", "xfail")],
                               ("after", "host"): [("k:a", "pass")]})
    v.compare()
    assert v.rows["host"] == [("fixed", "k:a", "xfail", "pass", "")]


def test_the_report_names_fixed_by_compare_rule(tmp_path):
    """The report's "Fixed" heading says what compare counts as fixed:
    xfail -> pass and fail -> xfail are listed under it, and its words
    are the rule's."""
    from desctest_runner import compare
    v = _validation(tmp_path, {
        ("before", "host"): [("k:a", "pass"), ("k:a::x", "xfail"),
                             ("k:a::f", "fail")],
        ("after", "host"): [("k:a", "pass"), ("k:a::x", "pass"),
                            ("k:a::f", "xfail")]})
    v.compare()
    v.desc = "a test tree"
    text, _ = validate_report.render(v, TOP)
    title = ("Fixed (fail, timeout, error, xpass or xfail before; pass "
             "after, or xfail after a failing outcome)")
    assert compare.TITLES["fixed"] == title
    m = re.search(r"^### (Fixed[^\n]*)\n\n(.*?)\n\n", text, re.M | re.S)
    assert m, text
    assert m.group(1) == title
    assert m.group(2).splitlines() == [
        "- here: k:a::f: fail -> xfail", "- here: k:a::x: xfail -> pass"]
