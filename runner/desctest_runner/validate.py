# SPDX-License-Identifier: GPL-2.0-only
"""desctest validate: a patch (or a series, or commits) before it is sent.

The suite runs on the tree before and after the patches, the two runs are
compared, each patch is checked as a maintainer would (checkpatch.pl
--strict, get_maintainer.pl, Signed-off-by, Fixes:, subject prefix), and
results/validate-<time>/report.md holds what to paste.  Exit 0: no
regression and no checkpatch error; 1: otherwise; 2: bad input (one line
on stderr), a patch that does not apply included."""

import os
import shutil
import subprocess
import sys
import time

from . import compare, results
from . import validate_checks, validate_patch, validate_report
from . import validate_suite as suite
from . import validate_tree as vtree
from .config import InputError

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
MODES = ("host", "vm", "kernel")


def add_parser(sub):
    v = sub.add_parser("validate", help="run the suite before and after a "
                       "patch and check it as a maintainer would")
    v.add_argument("--patch", action="append", default=[], metavar="PATH",
                   help="a patch, an mbox or a directory of patches "
                   "(repeatable; applied in order)")
    v.add_argument("--commits", default="", metavar="A..B",
                   help="commits of the git tree KSRC instead of patches")
    v.add_argument("--ksrc", default="", help="the tree to validate on "
                   "(default: Debian's linux-source-KVER as shipped)")
    v.add_argument("--kver", default="6.12", help="Debian series when "
                   "--ksrc is not given, and of the QEMU kernel (6.12, 6.1)")
    v.add_argument("--mode", action="append", default=[], choices=MODES,
                   help="what runs (repeatable; default: from the paths "
                   "the patches touch)")
    v.add_argument("--programs", action="append", default=[],
                   metavar="GLOB", help="only the programs matching "
                   "collection:test globs (repeatable; default: all)")
    v.add_argument("--results", default=os.path.join(TOP, "results"),
                   help="results root (default: results/)")
    v.add_argument("--work", default=os.path.join(TOP, ".build", "validate"),
                   help="work directory (default: .build/validate)")
    v.add_argument("--allow-removed", action="store_true",
                   help="a test that vanished after the patch is listed as "
                   "removed, not a regression (the patch removes it on "
                   "purpose)")
    v.add_argument("--keep", action="store_true",
                   help="keep the two trees and build outputs")
    return v


class Progress:
    def __init__(self, stream=sys.stderr):
        self.t0 = time.monotonic()
        self.stream = stream

    def __call__(self, msg):
        print("validate [%4.0fs] %s" % (time.monotonic() - self.t0, msg),
              file=self.stream, flush=True)


def _category(before, after):
    """compare.classify's categories, with xfail -> pass as fixed."""
    if before == after:
        return None
    if after in compare.BAD and before not in compare.BAD:
        return "regression"
    if before in compare.BAD + ("xfail",) and after in compare.GOOD:
        return "fixed"
    return "newly skipped" if after == "skip" else "changed"


def compare_runs(before_json, after_json, allow_removed=False):
    """The one place validate reads the runner's comparison: rows of
    (category, test id, before, after, reason after).  Categories:
    regression, fixed, newly skipped, changed, appeared.  On top of
    compare.classify: an xfail that now passes counts as fixed; a result
    whose description changed with its value (same program, parent and
    KTAP number, e.g. "vcpu0 get_desc64_base(): 0x..." ) is the same test;
    a test that vanished is a regression, or "removed" with allow_removed
    (the patch removes it on purpose: --allow-removed, as compare's)."""
    a, b = results.load(before_json), results.load(after_json)
    a_by = {t["id"]: t for t in a["tests"]}
    b_by = {t["id"]: t for t in b["tests"]}
    rows = compare.classify(a, b)
    appeared = {}
    for r in rows:
        t = b_by.get(r[1])
        if r[0] == "appeared" and t and t.get("number") is not None:
            appeared[compare._num_key(t)] = r
    out = []
    for cat, tid, ob, oa, why in rows:
        if cat == "appeared":
            continue
        if cat == "disappeared":
            ta = a_by[tid]
            r = appeared.pop(compare._num_key(ta), None) \
                if ta.get("number") is not None else None
            if r is None:
                out.append(("removed" if allow_removed else "regression",
                            tid, ob, "-", "vanished after the patch"))
                continue
            cat, tid, oa, why = _category(ob, r[3]), r[1], r[3], r[4]
            if cat is None:
                continue
        elif cat == "changed":
            cat = _category(ob, oa)
        out.append((cat, tid, ob, oa, why))
    out += list(appeared.values())
    order = ("regression", "fixed", "newly skipped", "changed", "appeared",
             "removed")
    out.sort(key=lambda r: (order.index(r[0]), r[1]))
    return out


def _default_modes(kinds):
    modes = ["host"]
    if "kernel" in kinds:
        modes.append("kernel")
    elif "selftests" in kinds and not _usable_kvm():
        modes.append("vm")
    return modes


def _usable_kvm():
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError:
        return False
    os.close(fd)
    return True


def _tree_version(tree):
    p = subprocess.run([os.path.join(TOP, "lib", "mk", "ksrc.sh"), "version",
                        tree], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True)
    return p.stdout.strip()


class Validation:
    def __init__(self, a, progress):
        self.a = a
        self.progress = progress
        self.git = False
        self.repo = None
        self.worktrees = []
        self.stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        self.work = os.path.join(os.path.abspath(a.work), "run-" + self.stamp)
        self.resdir = os.path.join(os.path.abspath(a.results),
                                   "validate-" + self.stamp)
        self.patches = []
        self.apply_tool = {}

    # -- input and trees --------------------------------------------------
    def check_input(self):
        a = self.a
        if bool(a.patch) == bool(a.commits):
            raise InputError("give PATCH=file|dir|mbox or COMMITS=A..B "
                             "(with KSRC= a git tree), one of the two")
        if a.ksrc:
            a.ksrc = os.path.abspath(a.ksrc)
            vtree.check_ksrc(a.ksrc)
            self.git = vtree.is_git(a.ksrc)
            self.repo = a.ksrc if self.git else None
        if a.commits:
            if not self.git:
                raise InputError("COMMITS=%s needs KSRC= a git tree%s" % (
                    a.commits, "" if not a.ksrc else
                    " (%s is not the top of one)" % a.ksrc))
            if ".." not in a.commits:
                raise InputError("COMMITS=%s: want a range A..B (e.g. "
                                 "origin/master..HEAD)" % a.commits)
        if a.kver not in ("6.12", "6.1"):
            raise InputError("KVER=%s: want 6.12 or 6.1" % a.kver)
        for d in (self.work, self.resdir):
            if os.path.exists(d):
                raise InputError("%s exists already; wait a second and run "
                                 "again" % d)

    def load_patches(self):
        scratch = os.path.join(self.work, "patches")
        if self.a.patch:
            for spec in self.a.patch:
                self.patches += validate_patch.load(spec, scratch)
            return
        base, tip = self.a.commits.split("..", 1)
        tip = tip or "HEAD"
        p = vtree.run(["git", "-C", self.repo, "format-patch", "-o", scratch,
                       "--no-signature", "%s..%s" % (base, tip)],
                      check=False)
        if p.returncode != 0:
            raise InputError("COMMITS=%s: git format-patch failed: %s" % (
                self.a.commits, " ".join(p.stdout.split()[-20:])))
        files = sorted(os.path.join(scratch, f) for f in os.listdir(scratch))
        if not files:
            raise InputError("COMMITS=%s holds no commits" % self.a.commits)
        for f in files:
            self.patches += validate_patch.load(f, os.path.join(scratch,
                                                                "split"))
        self.range = (base, tip)

    def choose_modes(self):
        kinds = validate_patch.kinds(self.patches)
        self.modes = list(dict.fromkeys(self.a.mode)) or _default_modes(kinds)
        if "kernel" in self.modes and not suite.kernel_available(TOP):
            raise InputError("VALIDATE=kernel is unavailable: %s is missing "
                             "(the kernel build of the bisect tooling); use "
                             "VALIDATE=host or VALIDATE=vm" % suite.KBUILD)
        self.progress("modes: %s (the patches touch: %s)" % (
            ", ".join(self.modes), ", ".join(sorted(kinds))))

    def make_trees(self):
        a, prog = self.a, self.progress
        os.makedirs(self.work, exist_ok=True)
        if self.git:
            self.before = os.path.join(self.work, "before")
            self.after = os.path.join(self.work, "after")
            if a.commits:
                base, tip = self.range
            else:
                base = tip = "HEAD"
            prog("git worktree for before (%s) and after (%s)" % (base, tip))
            for path, rev in ((self.before, base), (self.after, tip)):
                vtree.worktree_add(self.repo, path, rev)
                self.worktrees.append(path)
            self.desc = "%s at %s" % (a.ksrc, base)
        elif a.ksrc:
            self.before = os.path.join(self.work, "before")
            self.after = os.path.join(self.work, "after")
            vtree.copy_tree(a.ksrc, self.before, prog)
            vtree.copy_tree(a.ksrc, self.after, prog)
            self.desc = a.ksrc
        else:
            self.before = vtree.debian_tree(
                a.kver, os.path.join(os.path.abspath(a.work)), prog)
            self.after = os.path.join(self.work, "after")
            vtree.copy_tree(self.before, self.after, prog)
            self.desc = "Debian linux-source-%s as shipped" % a.kver

    def apply_patches(self):
        if self.a.commits:
            for p in self.patches:
                self.apply_tool[p.name] = "commit in %s" % self.a.commits
            return
        for p in self.patches:
            self.progress("applying %s" % p.name)
            vtree.apply(self.after, p, self.git, self.desc)
            self.apply_tool[p.name] = ("git am" if self.git else "git apply") \
                if p.mail else "patch -p1"

    def cleanup(self, everything):
        for wt in self.worktrees:
            vtree.worktree_remove(self.repo, wt)
        self.worktrees = []
        if everything or not self.a.keep:
            shutil.rmtree(self.work, ignore_errors=True)
        if everything:
            shutil.rmtree(self.resdir, ignore_errors=True)

    # -- the suite ----------------------------------------------------------
    def run_sides(self):
        a, prog = self.a, self.progress
        logs = os.path.join(self.resdir, "logs")
        os.makedirs(logs, exist_ok=True)
        self.runs = {}      # (side, where) -> results.json
        self.side_error = {}
        for side, tree in (("before", self.before), ("after", self.after)):
            out = os.path.join(self.work, "out-" + side)
            if side == "before" and not a.ksrc:
                # Debian's tree as shipped never changes: its build output
                # is kept beside it, so the next validation's before side
                # is an incremental (empty) build.
                out = self.before + "-out"
            log = os.path.join(logs, side + ".log")
            try:
                suite.timed(prog, "%s: build against %s" % (side, tree),
                            suite.build, TOP, tree, out, a.kver, a.programs,
                            log)
                for where in self.modes:
                    self.runs[(side, where)] = self._run_one(
                        side, where, tree, out, log)
            except suite.SideError as e:
                if side == "before":
                    raise InputError("the tree as given (before the patches) "
                                     "cannot be tested: %s (log: %s)"
                                     % (e, e.log)) from None
                prog("after: %s" % e)
                self.side_error[side] = "%s (log: %s)" % (e, e.log)
                return

    def _run_one(self, side, where, tree, out, log):
        root = os.path.join(self.resdir, "runs", "%s-%s" % (side, where))
        label = "validate-%s" % side
        if where == "host":
            return suite.timed(self.progress, "%s: the suite here" % side,
                               suite.run_host, TOP, tree, out, root, label,
                               log)
        work = os.path.join(self.work, "vm-" + side)
        if where == "vm":
            return suite.timed(
                self.progress, "%s: Debian %s kernel under QEMU" % (
                    side, self.a.kver), suite.run_vm, TOP, tree, out,
                self.a.kver, work, root, label, log)
        kcache = os.path.join(os.path.abspath(self.a.work), "kernel")
        return suite.timed(self.progress, "%s: its own kernel, built and "
                           "booted under QEMU" % side, suite.run_kernel, TOP,
                           tree, out, kcache, work, root, label, log)

    def compare(self):
        self.rows = {}
        for where in self.modes:
            b = self.runs.get(("before", where))
            a = self.runs.get(("after", where))
            if b and a:
                self.rows[where] = compare_runs(b, a, self.a.allow_removed)

    def check_patches(self):
        fixed = any(r[0] == "fixed" for rows in self.rows.values()
                    for r in rows)
        self.checks = {}
        for p in self.patches:
            self.progress("checking %s (checkpatch.pl --strict, "
                          "get_maintainer.pl)" % p.name)
            self.checks[p.name] = validate_checks.check(
                self.before, p, self.git, fixed)


def main(a):
    progress = Progress()
    v = Validation(a, progress)
    v.check_input()
    try:
        v.load_patches()
        v.choose_modes()
        v.make_trees()
        v.apply_patches()
    except vtree.ApplyError as e:
        v.cleanup(everything=True)
        print("desctest: %s" % e, file=sys.stderr)
        return 2
    except BaseException:
        v.cleanup(everything=True)
        raise
    try:
        v.run_sides()
        v.compare()
        v.check_patches()
        text, status = validate_report.render(v, TOP)
        os.makedirs(v.resdir, exist_ok=True)
        results.write_atomic(os.path.join(v.resdir, "report.md"), text)
    except InputError:
        # The build logs of a side that could not be tested stay (the
        # message names them); an empty results folder does not.
        logs = os.path.join(v.resdir, "logs")
        if not any(os.path.getsize(os.path.join(logs, f))
                   for f in (os.listdir(logs) if os.path.isdir(logs) else [])):
            shutil.rmtree(v.resdir, ignore_errors=True)
        raise
    finally:
        v.cleanup(everything=False)
    sys.stdout.write(text)
    progress("report: %s (exit %d)" % (os.path.join(v.resdir, "report.md"),
                                       status))
    return status
