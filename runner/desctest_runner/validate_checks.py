# SPDX-License-Identifier: GPL-2.0-only
"""validate: the patch as a maintainer reads it, with the tree's own
tools (scripts/checkpatch.pl --strict, scripts/get_maintainer.pl) and
its history (git log) when the tree is a git tree."""

import collections
import os
import re
import subprocess
from dataclasses import dataclass, field


@dataclass
class Finding:
    level: str      # ERROR, WARNING or CHECK
    kind: str       # checkpatch's type (TRAILING_WHITESPACE, ...)
    text: str       # the message, as checkpatch words it
    where: str      # "#12: FILE: path:line" or ""
    quote: str      # the offending line(s) checkpatch showed


@dataclass
class PatchChecks:
    findings: list = field(default_factory=list)
    checkpatch_summary: str = ""
    checkpatch_ran: bool = False
    checkpatch_note: str = ""
    recipients: list = field(default_factory=list)
    maintainer_note: str = ""
    signed_off: list = field(default_factory=list)
    fixes_given: list = field(default_factory=list)
    fixes_suggested: list = field(default_factory=list)
    fixes_note: str = ""
    prefix_seen: str = ""
    prefix_wanted: str = ""
    prefix_source: str = ""

    @property
    def errors(self):
        return [f for f in self.findings if f.level == "ERROR"]

    @property
    def warnings(self):
        return [f for f in self.findings if f.level != "ERROR"]


def _run(cmd, cwd):
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True,
                           errors="replace", timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)
    return p, p.stdout


_FINDING = re.compile(r"^(ERROR|WARNING|CHECK):(?:([A-Z0-9_]+):)? ?(.*)$")


def parse_checkpatch(out):
    """Findings and the "total:" line of checkpatch's output."""
    findings, summary = [], ""
    blocks = re.split(r"\n\s*\n", out)
    for b in blocks:
        lines = b.strip("\n").splitlines()
        if not lines:
            continue
        m = _FINDING.match(lines[0])
        if m:
            where = lines[1].strip() if len(lines) > 1 and \
                lines[1].startswith("#") else ""
            quote = "\n".join(ln for ln in lines[2 if where else 1:]
                              if ln.startswith("+") or ln.startswith("-"))
            findings.append(Finding(m.group(1), m.group(2) or "",
                                    m.group(3).strip(), where, quote))
        for ln in lines:
            if ln.startswith("total: "):
                summary = ln.strip()
    return findings, summary


def checkpatch(tree, patch, res):
    script = os.path.join(tree, "scripts", "checkpatch.pl")
    if not os.path.isfile(script):
        res.checkpatch_note = ("not run: %s has no scripts/checkpatch.pl"
                               % tree)
        return
    # --no-tree would skip the tree's own lists (spelling, const_structs);
    # the tree is given as root instead.  Colour off for the report.
    cmd = ["perl", script, "--strict", "--color=never",
           "--root=" + tree, patch.path]
    p, out = _run(cmd, tree)
    if p is None:
        res.checkpatch_note = "not run: %s" % out
        return
    res.checkpatch_ran = True
    res.findings, res.checkpatch_summary = parse_checkpatch(p.stdout)
    if p.returncode != 0 and not res.findings:
        res.checkpatch_note = "checkpatch.pl exited %d: %s" % (
            p.returncode, " ".join((p.stderr or p.stdout).split()[-30:]))


def get_maintainer(tree, patch, git_tree, res):
    script = os.path.join(tree, "scripts", "get_maintainer.pl")
    if not os.path.isfile(script):
        res.maintainer_note = "not run: no scripts/get_maintainer.pl"
        return
    # Without git history get_maintainer.pl must be told not to look for
    # it (--nogit --nogit-fallback), or it stops on a non-git tree.
    cmd = ["perl", script, "--norolestats", "--nogit", "--nogit-fallback"]
    if git_tree:
        cmd = ["perl", script, "--norolestats"]
    p, out = _run(cmd + [patch.path], tree)
    if p is None or p.returncode != 0:
        res.maintainer_note = "get_maintainer.pl failed: %s" % " ".join(
            (out if p is None else p.stderr or p.stdout).split()[-30:])
        return
    res.recipients = [ln.strip() for ln in p.stdout.splitlines()
                      if ln.strip()]


def _git(tree, *args):
    p = subprocess.run(["git", "-C", tree] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       text=True, errors="replace")
    return p.stdout if p.returncode == 0 else ""


def suggest_fixes(tree, patch, git_tree, fixed, res):
    """A Fixes: tag: the commit that added the lines the patch removes
    (git log -S), when the patch turns a failing test green."""
    res.fixes_given = patch.tags("Fixes")
    if not fixed:
        res.fixes_note = "no Fixes: suggested: the patch fixes no test"
        return
    if not git_tree:
        res.fixes_note = ("no Fixes: suggested: the tree is not a git tree "
                          "(the commit that added the removed lines is "
                          "unknown); look it up with git log -S")
        return
    seen = collections.OrderedDict()
    for path, line in patch.removed:
        s = line.strip()
        if len(s) < 8:
            continue
        out = _git(tree, "log", "--reverse", "--format=%H", "-S", s, "--",
                   path)
        shas = out.split()
        if shas:
            seen.setdefault(shas[0], s)
    for sha in seen:
        tag = _git(tree, "log", "-1", "--abbrev=12",
                   "--format=Fixes: %h (\"%s\")", sha).strip()
        if tag:
            res.fixes_suggested.append(tag)
    if not res.fixes_suggested:
        res.fixes_note = ("no Fixes: suggested: git log -S found no commit "
                          "adding the removed lines")


# Subject prefixes by path, when the tree has no history to ask.
_PATH_PREFIX = (("tools/testing/selftests/kvm/", "KVM: selftests:"),
                ("arch/x86/kvm/", "KVM: x86:"),
                ("virt/kvm/", "KVM:"),
                ("tools/testing/selftests/x86/", "selftests/x86:"),
                ("arch/x86/", "x86:"))


def _prefix(subject):
    """"KVM: selftests: Fix x" -> "KVM: selftests:" (every "word:" part
    before the summary)."""
    m = re.match(r"^((?:[\w./+-]+(?: [\w./+-]+)?: )+)", subject)
    return m.group(1).strip() if m else ""


def subject_prefix(tree, patch, git_tree, res):
    res.prefix_seen = _prefix(patch.subject)
    if git_tree:
        subjects = _git(tree, "log", "-n", "200", "--no-merges",
                        "--format=%s", "--", *patch.files).splitlines()
        count = collections.Counter(_prefix(s) for s in subjects
                                    if _prefix(s))
        if count:
            res.prefix_wanted = count.most_common(1)[0][0]
            res.prefix_source = "git log of the touched files (%d of %d)" % (
                count.most_common(1)[0][1], len(subjects))
            return
    for f in patch.files:
        for start, pre in _PATH_PREFIX:
            if f.startswith(start):
                res.prefix_wanted = pre
                res.prefix_source = ("the touched paths (%s); the tree has "
                                     "no git history" % start
                                     if not git_tree else
                                     "the touched paths (%s)" % start)
                return


def prefix_ok(res):
    if not res.prefix_wanted:
        return True
    return res.prefix_seen.lower().startswith(res.prefix_wanted.lower())


def check(tree, patch, git_tree, fixed):
    res = PatchChecks()
    checkpatch(tree, patch, res)
    get_maintainer(tree, patch, git_tree, res)
    res.signed_off = patch.tags("Signed-off-by")
    suggest_fixes(tree, patch, git_tree, fixed, res)
    subject_prefix(tree, patch, git_tree, res)
    return res
