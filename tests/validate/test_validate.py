# SPDX-License-Identifier: GPL-2.0-only
"""End-to-end tests of `desctest validate` (make validate_check).

Each runs the real command on a real tree and asserts the exact outcome:
the tests a patch fixes, the regressions by name, the one line of a patch
that does not apply (and the user's tree untouched), the checkpatch error
quoted.  The suite sides are narrowed to the programs that matter here
(--programs) to keep make check short."""

import glob
import hashlib
import os
import re
import subprocess

import sys

import pytest

TOP = os.environ.get("DESCTEST_TOP") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "runner"))
from desctest_runner.machine import usable_kvm as _usable_kvm  # noqa: E402
from desctest_runner import compare  # noqa: E402
FIX = os.path.join(TOP, "configs", "get_desc64_base-fix.patch")
FIXTURES = os.path.join(TOP, "tests", "validate", "fixtures")
UMIP = os.path.join(FIXTURES, "0001-x86-umip-move-the-dummy-GDT-base.patch")
PROC_H = "tools/testing/selftests/kvm/include/x86_64/processor.h"
DIFF = "differential:desc64_base_diff"


def validate(*args, results):
    p = subprocess.run([os.path.join(TOP, "desctest"), "validate",
                        "--results", str(results)] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, cwd=TOP)
    return p


def report(results):
    found = glob.glob(os.path.join(str(results), "validate-*", "report.md"))
    assert len(found) == 1, found
    with open(found[0]) as f:
        return f.read()


def section(text, title):
    m = re.search(r"^### %s\n\n(.*?)\n\n" % re.escape(title), text,
                  re.M | re.S)
    assert m, "no section %r in:\n%s" % (title, text)
    return [] if m.group(1) == "none" else m.group(1).splitlines()


def test_fix_on_debian_as_shipped(tmp_path):
    """The fix on Debian's linux-source-6.12 as shipped: the tree's own
    helper goes from failing to passing, here (the differential's `tree`)
    and in the KVM program built on it, booted in Debian's 6.12 kernel
    under QEMU (the vCPUs whose TSS base has bits 31:24 >= 0x80 and bits
    63:32 not all ones)."""
    p = validate("--patch", FIX, "--mode", "host", "--mode", "vm",
                 "--programs", DIFF, "--programs", "kvm:tss_decode",
                 results=tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    text = report(tmp_path)
    assert p.stdout == text
    fixed = section(text, compare.TITLES["fixed"])
    # One stable name per vCPU and check (the values are in the "#"
    # lines): the vCPUs whose TSS base has bits 31:24 >= 0x80 and bits
    # 63:32 not all ones (0xfffffe7cf8d65000, 0xa0b1c000, 0x7f1280a01000,
    # 0xff7c4000).
    kvm = ["kvm:tss_decode: fail -> pass"] + [
        "kvm:tss_decode::vcpu%d_get_desc64_base: fail -> pass" % v
        for v in (0, 2, 4, 7)]
    # Here: the differential, and the KVM program too where this host has
    # a usable /dev/kvm (validate runs it wherever it can).
    here = sorted(ln[len("- here: "):] for ln in fixed
                  if ln.startswith("- here: "))
    assert here == sorted(["%s: fail -> pass" % DIFF,
                           "%s::tree: fail -> pass" % DIFF] +
                          (kvm if _usable_kvm() else [])), fixed
    vm = sorted(re.sub(r"^- Debian kernel under QEMU: ", "", ln)
                for ln in fixed if ln.startswith("- Debian kernel"))
    assert vm == sorted(kvm), fixed
    assert section(text, "Regressions") == []
    assert "Verdict: PASS (exit 0)" in text
    assert "- checkpatch.pl --strict: clean (total: 0 errors, 0 warnings, " \
        "0 checks" in text
    assert "- Signed-off-by: desctest maintainers <desctest@example.org>" \
        in text
    assert "Sean Christopherson <seanjc@google.com>" in text
    assert "kvm@vger.kernel.org" in text
    assert "\nTested-by: " in text


def test_patch_reintroducing_the_bug(tmp_path):
    """On the patched tree, a patch that drops the casts again: exit 1,
    the regressions by name, no Tested-by."""
    tree = os.environ.get("DESCTEST_PATCHED_TREE") or \
        os.path.join(TOP, ".build", "ksrc", "linux-source-6.12")
    if not os.path.isfile(os.path.join(tree, ".desctest-prepared")):
        pytest.skip("the default patched tree %s is not prepared: run make "
                    "(without KSRC) first" % tree)
    p = validate("--patch", os.path.join(
        FIXTURES, "0001-reintroduce-the-bug.patch"), "--ksrc", tree,
        "--mode", "host", "--programs", DIFF, results=tmp_path)
    assert p.returncode == 1, p.stdout + p.stderr
    text = report(tmp_path)
    regressions = section(text, "Regressions")
    assert [re.sub(r": tree: .*", "", ln) for ln in regressions] == [
        "- here: %s: pass -> fail: exit 1: 1 test(s) failed: tree" % DIFF,
        "- here: %s::tree: pass -> fail" % DIFF,
    ]
    assert section(text, compare.TITLES["fixed"]) == []
    assert "Verdict: FAIL (exit 1): 2 regression(s)" in text
    assert "\nTested-by:" not in text
    assert "No Tested-by: line is offered: 2 regression(s)." in text
    # The maintainer checks' scan of the added lines names the bug as a
    # warning (it is not what fails the validation: the regressions are).
    assert "- desctest scan (promotion sign-extension) of the added lines: " \
        "1 warning(s), listed as checkpatch lists its own; they do not fail " \
        "the validation by themselves\n    WARNING: PROMOTION_SIGN_EXTENSION: " \
        "'(desc->base2) << 24': bit-field 'desc->base2' (unsigned int : 8) " \
        "is promoted to int; " in text
    assert "      FILE: tools/testing/selftests/kvm/include/x86_64/" \
        "processor.h:424:43\n" in text


def _snapshot(tree):
    """Every file's content and mtime, and git's view of the repository."""
    files = {}
    for d, dirs, names in os.walk(tree):
        for n in names:
            path = os.path.join(d, n)
            st = os.lstat(path)
            with open(path, "rb") as f:
                files[os.path.relpath(path, tree)] = (
                    hashlib.sha256(f.read()).hexdigest(), st.st_mtime_ns)
    git = {}
    for args in (("rev-parse", "HEAD"), ("status", "--porcelain",
                                         "--ignored"),
                 ("worktree", "list", "--porcelain"), ("for-each-ref",),
                 ("stash", "list")):
        git[args] = subprocess.run(["git", "-C", tree] + list(args),
                                   stdout=subprocess.PIPE, text=True).stdout
    # git itself rewrites the index's stat cache on status: leave it out.
    files = {k: v for k, v in files.items() if k != ".git/index"}
    return files, git


def _small_tree(path, git):
    """A kernel-shaped tree whose processor.h does not match the fix's
    context."""
    os.makedirs(os.path.join(path, os.path.dirname(PROC_H)))
    with open(os.path.join(path, "Makefile"), "w") as f:
        f.write("VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n")
    with open(os.path.join(path, PROC_H), "w") as f:
        f.write("static inline uint64_t get_desc64_base(const struct desc64 "
                "*desc)\n{\n\treturn desc->base0;\n}\n")
    if git:
        env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
        for cmd in (["init", "-q"], ["add", "."], ["commit", "-q", "-m",
                                                   "base"]):
            subprocess.run(["git", "-C", path] + cmd, check=True, env=env)


@pytest.mark.parametrize("git", [True, False], ids=["git-tree", "plain-tree"])
def test_patch_that_does_not_apply(tmp_path, git):
    """Exit 2, one line naming the patch and the file, the tree untouched,
    nothing left in the work or results directories."""
    tree = str(tmp_path / "linux")
    _small_tree(tree, git)
    before = _snapshot(tree)
    work, results = tmp_path / "work", tmp_path / "results"
    if git:
        patch, tool = FIX, "git am"
    else:
        # The same change as a plain diff: the part after the mail.
        with open(FIX) as f:
            diff = f.read().split("\ndiff --git ", 1)[1]
        patch = str(tmp_path / "fix.diff")
        with open(patch, "w") as f:
            f.write("diff --git " + diff)
        tool = "patch -p1"
    p = validate("--patch", patch, "--ksrc", tree, "--work", str(work),
                 results=results)
    assert p.returncode == 2, p.stdout + p.stderr
    assert p.stdout == ""
    where = "%s at HEAD" % tree if git else tree
    assert p.stderr.splitlines()[-1] == (
        "desctest: PATCH %s does not apply to %s: %s (its context does not "
        "match, %s)" % (os.path.basename(patch), where, PROC_H, tool))
    assert [ln for ln in p.stderr.splitlines()
            if not ln.startswith("validate [")] == \
        [p.stderr.splitlines()[-1]]
    assert _snapshot(tree) == before
    assert os.listdir(work) == []
    assert not results.exists() or os.listdir(results) == []


def test_checkpatch_error(tmp_path):
    """The fix with a trailing blank: it still fixes the test, nothing
    regresses, but checkpatch --strict has an error: exit 1, the error
    quoted with the line, no Tested-by."""
    p = validate("--patch", os.path.join(
        FIXTURES, "0001-fix-with-trailing-whitespace.patch"),
        "--mode", "host", "--programs", DIFF, results=tmp_path)
    assert p.returncode == 1, p.stdout + p.stderr
    text = report(tmp_path)
    assert "Verdict: FAIL (exit 1): 1 checkpatch error(s)" in text
    assert "- checkpatch.pl --strict: 1 error(s), 0 warning(s)/check(s) " \
        "(total: 1 errors, 0 warnings, 0 checks, 12 lines checked)" in text
    assert "\n    ERROR: trailing whitespace\n" \
        "      #39: FILE: %s:423:\n" \
        "      +^Ireturn (uint64_t)desc->base3 << 32 | $\n" % PROC_H in text
    assert section(text, "Regressions") == []
    assert "- here: %s::tree: fail -> pass" % DIFF in \
        section(text, compare.TITLES["fixed"])
    assert "\nTested-by:" not in text


def test_kernel_patch_that_breaks_umip(tmp_path):
    """A kernel patch, validated in kernel mode on Debian's 6.12 as
    shipped: the after side must boot a kernel built with the patch (the
    build sees the changed umip.c however old its time), so host:umip's
    sgdt test, run inside it, fails: exit 1, named as the regression, no
    Tested-by.  Each side's kernel is named by its uname -v and sha256,
    and the two differ."""
    p = validate("--patch", UMIP, "--mode", "kernel", "--programs",
                 "host:umip*", results=tmp_path)
    assert p.returncode == 1, p.stdout + p.stderr
    text = report(tmp_path)
    regressions = [re.sub(r"(-> fail): .*", r"\1", ln)
                   for ln in section(text, "Regressions")]
    # The 64-bit program and its 32-bit build (the small kernel runs
    # 32-bit code): sgdt and its per-CPU run, nothing else.
    assert regressions == [
        "- own kernel under QEMU: %s%s: pass -> fail" % (prog, test)
        for prog in ("host:umip", "host:umip_32")
        for test in ("", "::umip.sgdt", "::umip.sgdt_per_cpu")], text
    assert "Verdict: FAIL (exit 1): 6 regression(s)" in text
    assert "\nTested-by:" not in text
    booted = dict(re.findall(r"^- (before|after) kernel booted: (.*)$", text,
                             re.M))
    assert set(booted) == {"before", "after"} and \
        booted["before"] != booted["after"], text
    assert 'subject prefix: "x86/umip:" not checked: the tree has no git ' \
        'history; the usual one under arch/x86/ is "x86:"' in text
    assert "the tree's own kernel" in text and "Debian kernel" not in \
        text.split("## For the cover letter")[1]
