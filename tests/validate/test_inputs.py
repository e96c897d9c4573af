# SPDX-License-Identifier: GPL-2.0-only
"""validate's bad input and the user's repository: one line and exit 2
before anything is made, and the user's hooks, signing and other
worktrees left alone."""

import os
import subprocess
import sys

import pytest

TOP = os.environ.get("DESCTEST_TOP") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "runner"))
from desctest_runner.validate import patches, trees  # noqa: E402
from desctest_runner.config import InputError  # noqa: E402

FIX = os.path.join(TOP, "configs", "get_desc64_base-fix.patch")
PROC_H = "tools/testing/selftests/kvm/include/x86_64/processor.h"
ENV = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
           GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")


def validate(*args, cwd=TOP):
    return subprocess.run([os.path.join(TOP, "desctest"), "validate"] +
                          list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, cwd=cwd)


def git(tree, *args):
    return subprocess.run(["git", "-C", str(tree)] + list(args), env=ENV,
                          check=True, stdout=subprocess.PIPE,
                          text=True).stdout.strip()


def _repo(path):
    """A kernel-shaped git tree whose processor.h takes the fix."""
    os.makedirs(os.path.join(path, os.path.dirname(PROC_H)))
    with open(os.path.join(path, "Makefile"), "w") as f:
        f.write("VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n")
    with open(FIX) as f:
        old = [ln[1:] for ln in f.read().splitlines()
               if ln.startswith(("-\t", "- "))]
    [p] = patches.load(FIX, os.path.join(os.path.dirname(path), "scratch"))
    first = p.removed_at[0][1]
    lines = ["/* %d */" % i for i in range(1, first - 3)] + [
        "static inline uint64_t get_desc64_base(const struct desc64 *desc)",
        "{"] + old + ["}", ""]
    with open(os.path.join(path, PROC_H), "w") as f:
        f.write("\n".join(lines))
    git(path, "init", "-q")
    git(path, "add", ".")
    git(path, "commit", "-q", "-m", "base")
    return p


@pytest.mark.parametrize("args,line", [
    (["--patch", FIX, "--programs", "kvm:nothing*"],
     "desctest: --programs kvm:nothing* matches none of the suite's "
     "programs ("),
    (["--patch", FIX, "--work", "/proc/nope"],
     "desctest: --work /proc/nope: cannot write there (No such file or "
     "directory); pass a writable directory"),
    (["--patch", FIX, "--results", "/proc/nope/r"],
     "desctest: --results /proc/nope/r: cannot write there (No such file "
     "or directory); pass a writable directory"),
], ids=["programs-match-nothing", "work-unwritable", "results-unwritable"])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, line):
    p = validate("--results", str(tmp_path / "r"), "--work",
                 str(tmp_path / "w"), *args)
    assert p.returncode == 2, p.stderr
    assert p.stdout == "" and len(p.stderr.splitlines()) == 1, p.stderr
    assert p.stderr.startswith(line), p.stderr
    assert not (tmp_path / "r").exists() or \
        os.listdir(tmp_path / "r") == []


def test_programs_take_the_runners_forms():
    from desctest_runner.validate import sides
    progs = ["host:umip", "host:umip_32", "kvm:dt_regs"]
    assert sides.select(progs, ["host:umip*"]) == ["host:umip",
                                                   "host:umip_32"]
    assert sides.select(progs, ["host/umip"]) == ["host:umip"]
    assert sides.select(progs, []) == progs


def test_symmetric_range_is_refused(tmp_path):
    repo = tmp_path / "linux"
    _repo(str(repo))
    p = validate("--commits", "HEAD~0...HEAD", "--ksrc", str(repo),
                 "--results", str(tmp_path / "r"), "--work",
                 str(tmp_path / "w"))
    assert p.returncode == 2
    assert p.stderr == (
        "desctest: COMMITS=HEAD~0...HEAD: a symmetric range (A...B) is not a "
        "series; give A..B (validate starts from git merge-base A B "
        "itself)\n")


def test_a_range_starts_from_the_merge_base(tmp_path):
    repo = str(tmp_path / "linux")
    _repo(repo)
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "topic")
    with open(os.path.join(repo, "README"), "w") as f:
        f.write("topic\n")
    git(repo, "add", "README")
    git(repo, "commit", "-q", "-m", "topic")
    tip = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-")
    with open(os.path.join(repo, "NEWS"), "w") as f:
        f.write("upstream moved on\n")
    git(repo, "add", "NEWS")
    git(repo, "commit", "-q", "-m", "upstream")
    upstream = git(repo, "rev-parse", "HEAD")
    # upstream..topic: the series is the topic commit, based where the
    # topic forked, not on upstream's newer HEAD.
    assert trees.merge_base(repo, upstream, "topic") == (base, tip)
    with pytest.raises(InputError, match="nosuch is not a commit"):
        trees.merge_base(repo, "nosuch", "topic")


def test_worktrees_skip_hooks_and_signing_and_keep_the_users(tmp_path):
    """desctest's worktree and git am run none of the user's hooks and
    do not sign; removing its worktree leaves the user's other worktrees,
    even one whose directory is gone (an unmounted disk), registered."""
    repo = str(tmp_path / "linux")
    _repo(repo)
    # A patch made in the tree itself (git format-patch), then undone.
    with open(os.path.join(repo, "README"), "w") as f:
        f.write("a change\n")
    git(repo, "add", "README")
    git(repo, "commit", "-q", "-m", "README: say something")
    git(repo, "format-patch", "-q", "-1", "-o", str(tmp_path / "mail"))
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    [p] = patches.load(str(tmp_path / "mail"), str(tmp_path / "scratch2"))
    marker = tmp_path / "hook-ran"
    hooks = os.path.join(repo, ".git", "hooks")
    for hook in ("post-checkout", "applypatch-msg", "pre-applypatch",
                 "post-applypatch"):
        with open(os.path.join(hooks, hook), "w") as f:
            f.write("#!/bin/sh\necho %s >> %s\nexit 1\n" % (hook, marker))
        os.chmod(os.path.join(hooks, hook), 0o755)
    git(repo, "config", "commit.gpgSign", "true")
    git(repo, "config", "gpg.program", "false")
    # The user's own worktree, on a disk that is not mounted now.
    users = str(tmp_path / "elsewhere" / "wt")
    git(repo, "-c", "core.hooksPath=/dev/null", "worktree", "add", "-q",
        "--detach", users)
    os.rename(str(tmp_path / "elsewhere"), str(tmp_path / "unmounted"))
    ours = str(tmp_path / "work" / "after")
    trees.worktree_add(repo, ours, "HEAD")
    trees.apply(ours, p, True, repo)
    assert not marker.exists(), marker.read_text()
    assert git(ours, "log", "-1", "--format=%s") == "README: say something"
    trees.worktree_remove(repo, ours)
    assert not os.path.exists(ours)
    listed = git(repo, "worktree", "list", "--porcelain")
    assert "worktree %s\n" % users in listed + "\n"
    assert ours not in listed


def test_globs_name_upstreams_programs_with_upstream_x86(tmp_path):
    """UPSTREAM=x86: build-programs.sh (bisect-run.sh's build, and
    validate's) selects upstream's x86 programs by the same globs, so
    `UPSTREAM=x86 git bisect run ... --filter 'x86:ldt_gdt*'` builds and
    lists upstream's ldt_gdt alone."""
    tree = os.environ.get("DESCTEST_PATCHED_TREE") or \
        os.path.join(TOP, ".build", "ksrc", "linux-source-6.12")
    if not os.path.isfile(os.path.join(tree, ".desctest-prepared")):
        pytest.skip("the default tree %s is not prepared: run make "
                    "(without KSRC) first" % tree)
    out = tmp_path / "out"
    p = subprocess.run([os.path.join(TOP, "runner", "build-programs.sh"),
                        "--output", str(out), "--only", "x86:ldt_gdt*", "--",
                        "UPSTREAM=x86", "KSRC=%s" % tree],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    assert p.returncode == 0, p.stderr[-2000:]
    listed = (out / "kselftest-list.txt").read_text().split()
    assert listed[0] == "x86:ldt_gdt_64" and \
        set(listed) <= {"x86:ldt_gdt_64", "x86:ldt_gdt_32"}, listed
    assert p.stdout.split() == listed
    for prog in listed:
        assert os.access(out / "x86" / prog.split(":")[1], os.X_OK), prog
