# SPDX-License-Identifier: GPL-2.0-only
"""desctest validate: a patch (or a series, or commits) before it is sent.

The suite runs on the tree before and after the patches, the two runs are
compared (compare.compare_runs, the rules of ./desctest compare), each
patch is checked as a maintainer would (checkpatch.pl --strict,
get_maintainer.pl, Signed-off-by, Fixes:, subject prefix), and
results/validate-<time>/report.md holds what to paste.  Exit 0 (PASS)
only on evidence: every mode's both sides ran programs, the runs share
tests, nothing regressed, checkpatch ran to its end without an error and,
for a kernel patch, the after side booted another kernel than the before
side.  1: a regression or checkpatch error (FAIL), or too little measured
(NOT TESTED).  2: bad input (one line on stderr), a patch that does not
apply included."""

import os
import shutil
import sys
import time

from .. import compare, machine, proc, results
from ..config import InputError
from . import checks as vchecks
from . import patches as vpatches
from . import report as vreport
from . import sides
from . import trees as vtree

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
MODES = ("host", "vm", "kernel")


def add_parser(sub):
    v = sub.add_parser("validate", help="run the suite before and after a "
                       "patch and check it as a maintainer would")
    v.add_argument("--patch", action="append", default=[], metavar="PATH",
                   help="a patch, an mbox or a directory of patches "
                   "(repeatable; applied in order)")
    v.add_argument("--commits", default="", metavar="A..B",
                   help="commits of the git tree KSRC instead of patches "
                   "(before: git merge-base A B; after: B)")
    v.add_argument("--ksrc", default="", help="the tree to validate on "
                   "(default: Debian's linux-source-KVER as shipped)")
    v.add_argument("--kver", default="6.12", help="Debian series when "
                   "--ksrc is not given, and of the QEMU kernel (6.12, 6.1)")
    v.add_argument("--mode", action="append", default=[], choices=MODES,
                   help="what runs (repeatable; default: from the paths "
                   "the patches touch)")
    v.add_argument("--programs", action="append", default=[],
                   metavar="GLOB", help="only the programs matching "
                   "collection:test (or collection/test) globs "
                   "(repeatable; default: all)")
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


def compare_runs(before_json, after_json, allow_removed=False):
    """The runner's comparison (compare.compare_runs: the same rules as
    ./desctest compare) of one mode's two runs, as report rows
    (category, test id, before, after, reason after); a test that vanished
    is a regression, or "removed" with allow_removed.  NothingInCommon
    when the runs share no test."""
    c = compare.compare_runs(results.load(before_json),
                             results.load(after_json), allow_removed)
    out = []
    for cat, tid, ob, oa, why in c.rows:
        if cat == "disappeared":
            cat = "removed" if allow_removed else "regression"
            why = "vanished after the patch"
        out.append((cat, tid, ob, oa, why))
    order = compare.ORDER[:-1] + ("removed",)
    out.sort(key=lambda r: (order.index(r[0]), r[1]))
    return out


def evidence(path):
    """What a run proves ran: (number of tests that ran to an outcome
    other than skip, outside the console's own records; why none did)."""
    data = results.load(path)
    ran = [t for t in data["tests"]
           if not t["program"].startswith("console:") and
           t["outcome"] != "skip"]
    if ran:
        return len(ran), ""
    console = [t for t in data["tests"] if t["program"].startswith(
        "console:")]
    if console:
        return 0, "no program ran: %s" % (console[0].get("reason") or
                                          console[0]["outcome"])
    if not data["tests"]:
        return 0, "no program ran (the run filed no test)"
    return 0, "every test skipped (%s)" % (
        data["tests"][0].get("reason") or "no reason given")


def _default_modes(kinds):
    modes = ["host"]
    if "kernel" in kinds:
        modes.append("kernel")
    elif "selftests" in kinds and not machine.usable_kvm():
        modes.append("vm")
    return modes


def _writable_dir(opt, path):
    """Create path (and its parents) or say in one line why not."""
    try:
        os.makedirs(path, exist_ok=True)
        probe = os.path.join(path, ".desctest-probe-%d" % os.getpid())
        with open(probe, "w"):
            pass
        os.unlink(probe)
    except OSError as e:
        raise InputError("%s %s: cannot write there (%s); pass a writable "
                         "directory" % (opt, path, e.strerror or e)) from None


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
        self.kinds = set()
        self.runs = {}          # (side, where) -> results.json
        self.kernels = {}       # side -> kernel identity (kernel mode)
        self.side_error = {}
        self.rows = {}
        self.gaps = []          # why nothing (or not enough) was measured
        self.checks = {}
        self.notes = []         # what the user should know (uncommitted)

    # -- input and trees --------------------------------------------------
    def check_input(self):
        """Every mistake of the command line, before anything is made."""
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
            if "..." in a.commits:
                raise InputError("COMMITS=%s: a symmetric range (A...B) is "
                                 "not a series; give A..B (validate starts "
                                 "from git merge-base A B itself)"
                                 % a.commits)
            if ".." not in a.commits:
                raise InputError("COMMITS=%s: want a range A..B (e.g. "
                                 "origin/master..HEAD)" % a.commits)
        if a.kver not in ("6.12", "6.1"):
            raise InputError("KVER=%s: want 6.12 or 6.1" % a.kver)
        if a.programs:
            known = sides.suite_programs(TOP)
            for g in a.programs:
                if not sides.select(known, [g]):
                    raise InputError("--programs %s matches none of the "
                                     "suite's programs (%s)" % (
                                         g, " ".join(known)))
        _writable_dir("--work", os.path.abspath(a.work))
        _writable_dir("--results", os.path.abspath(a.results))
        for d in (self.work, self.resdir):
            if os.path.exists(d):
                raise InputError("%s exists already; wait a second and run "
                                 "again" % d)
        if self.git:
            dirty = vtree.uncommitted(a.ksrc)
            if dirty:
                self.notes.append(
                    "%d uncommitted change(s) in %s (e.g. %s) are in neither "
                    "side: before is %s, after adds the patches to it" % (
                        len(dirty), a.ksrc, dirty[0],
                        "the merge base of COMMITS" if a.commits else
                        "HEAD"))

    def load_patches(self):
        scratch = os.path.join(self.work, "patches")
        if self.a.patch:
            for spec in self.a.patch:
                self.patches += vpatches.load(spec, scratch)
            return
        a, b = self.a.commits.split("..", 1)
        base, tip = vtree.merge_base(self.repo, a or "HEAD", b or "HEAD")
        p = vtree.run(proc.git_cmd(self.repo, "format-patch", "-o", scratch,
                                   "--no-signature", "%s..%s" % (base, tip)),
                      check=False)
        if p.returncode != 0:
            raise InputError("COMMITS=%s: git format-patch failed: %s" % (
                self.a.commits, p.words(20)))
        files = sorted(os.path.join(scratch, f) for f in os.listdir(scratch))
        if not files:
            raise InputError("COMMITS=%s holds no commits" % self.a.commits)
        for f in files:
            self.patches += vpatches.load(f, os.path.join(scratch, "split"))
        self.range = (base, tip)

    def choose_modes(self):
        self.kinds = kinds = vpatches.kinds(self.patches)
        self.modes = list(dict.fromkeys(self.a.mode)) or _default_modes(kinds)
        if "kernel" in self.modes and not sides.kernel_available(TOP):
            raise InputError("VALIDATE=kernel is unavailable: %s is missing "
                             "(the kernel build of the bisect tooling); use "
                             "VALIDATE=host or VALIDATE=vm" % sides.KBUILD)
        self.progress("modes: %s (the patches touch: %s)" % (
            ", ".join(self.modes), ", ".join(sorted(kinds))))
        for n in self.notes:
            self.progress("note: %s" % n)

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
            prog("git worktree for before (%s) and after (%s)" % (
                base[:12], tip[:12] if tip != "HEAD" else tip))
            for path, rev in ((self.before, base), (self.after, tip)):
                vtree.worktree_add(self.repo, path, rev)
                self.worktrees.append(path)
            self.desc = "%s at %s" % (
                a.ksrc, base if base == "HEAD" else "%s (git merge-base of "
                "%s)" % (base[:12], a.commits))
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
        for side, tree in (("before", self.before), ("after", self.after)):
            out = os.path.join(self.work, "out-" + side)
            if side == "before" and not a.ksrc:
                # Debian's tree as shipped never changes: its build output
                # is kept beside it, so the next validation's before side
                # is an incremental (empty) build.
                out = self.before + "-out"
            log = os.path.join(logs, side + ".log")
            try:
                sides.timed(prog, "%s: build against %s" % (side, tree),
                            sides.build, TOP, tree, out, a.kver, a.programs,
                            log)
                for where in self.modes:
                    self.runs[(side, where)] = self._run_one(
                        side, where, tree, out, log)
            except sides.SideError as e:
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
            return sides.timed(self.progress, "%s: the suite here" % side,
                               sides.run_host, TOP, tree, out, root, label,
                               log)
        work = os.path.join(self.work, "vm-" + side)
        if where == "vm":
            return sides.timed(
                self.progress, "%s: Debian %s kernel under QEMU" % (
                    side, self.a.kver), sides.run_vm, TOP, tree, out,
                self.a.kver, work, root, label, log)
        kcache = os.path.join(os.path.abspath(self.a.work), "kernel")
        res, self.kernels[side] = sides.timed(
            self.progress, "%s: its own kernel, built and booted under "
            "QEMU" % side, sides.run_kernel, TOP, tree, out, kcache, work,
            root, label, log)
        self.progress("%s: kernel %s, bzImage sha256 %s" % (
            side, self.kernels[side]["uts_version"] or "?",
            self.kernels[side]["sha256"][:16]))
        return res

    def compare(self):
        """Each mode's two runs compared; every reason the comparison
        proves less than it seems goes into gaps."""
        if self.side_error:
            return      # the report says the after side could not run
        for where in self.modes:
            label = vreport.WHERE[where]
            paths = [self.runs.get((s, where)) for s in ("before", "after")]
            if not all(paths):
                self.gaps.append("%s: %s side filed no run" % (
                    label, "before" if not paths[0] else "after"))
                continue
            for side, path in zip(("before", "after"), paths):
                n, why = evidence(path)
                if not n:
                    self.gaps.append("%s, %s the patches: %s" % (
                        label, side, why))
            try:
                self.rows[where] = compare_runs(paths[0], paths[1],
                                                self.a.allow_removed)
            except compare.NothingInCommon as e:
                self.gaps.append("%s: %s" % (label, e))
        if "kernel" in self.modes and "kernel" in self.kinds and \
                len(self.kernels) == 2 and \
                self.kernels["before"] == self.kernels["after"]:
            self.gaps.append(
                "own kernel: the after side booted the same kernel as the "
                "before side (bzImage sha256 %s, %s) although the patches "
                "change kernel code: the patched code was never built" % (
                    self.kernels["after"]["sha256"][:16],
                    self.kernels["after"]["uts_version"] or "?"))

    def own_fixed(self):
        """For the Fixes: suggestion: (whether this series' own tests went
        from failing to passing, why not).  A series is tested as a whole,
        so only a single patch has tests of its own."""
        if self.gaps or self.side_error:
            return False, "the validation measured too little to say"
        fixed = any(r[0] == "fixed" for rows in self.rows.values()
                    for r in rows)
        if not fixed:
            return False, "the patch fixes no test"
        if len(self.patches) > 1:
            return False, ("the series was tested as a whole: which patch "
                           "fixed the tests is unknown (validate each alone "
                           "for its Fixes:)")
        return True, ""

    def check_patches(self):
        own = self.own_fixed()
        for p in self.patches:
            self.progress("checking %s (checkpatch.pl --strict, "
                          "get_maintainer.pl, desctest scan)" % p.name)
            self.checks[p.name] = vchecks.check(self.before, p, self.git,
                                                own, after=self.after)


def main(a):
    progress = Progress()
    v = Validation(a, progress)
    v.check_input()
    # Ctrl-C, SIGTERM and SIGHUP (KeyboardInterrupt, see cli.py) unwind
    # through here: proc stops the command under way (a build, a boot:
    # its whole process group) and waits for it, then the worktrees go.
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
        text, status = vreport.render(v, TOP)
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
