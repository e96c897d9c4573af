# SPDX-License-Identifier: GPL-2.0-only
"""validate: the patch as a maintainer reads it, with the tree's own
tools (scripts/checkpatch.pl --strict, scripts/get_maintainer.pl) and
its history (git log) when the tree is a git tree."""

import collections
import os
import re
from dataclasses import dataclass, field

from .. import proc, scan
from ..config import InputError


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
    # True only when checkpatch.pl ran to its end: its "total:" line seen
    # and an exit status that agrees with its findings.
    checkpatch_ran: bool = False
    checkpatch_note: str = ""       # why it did not run, or what went wrong
    recipients: list = field(default_factory=list)
    maintainer_note: str = ""
    signed_off: list = field(default_factory=list)
    fixes_given: list = field(default_factory=list)
    fixes_suggested: list = field(default_factory=list)
    fixes_note: str = ""
    prefix_seen: str = ""
    prefix_wanted: str = ""
    prefix_source: str = ""
    prefix_note: str = ""       # why the prefix could not be checked
    # ./desctest scan on the lines the patch adds: listed like checkpatch
    # warnings, never failing the validation by themselves
    scan_findings: list = field(default_factory=list)
    scan_ran: bool = False
    scan_files: int = 0
    scan_note: str = ""         # why it did not run

    @property
    def errors(self):
        return [f for f in self.findings if f.level == "ERROR"]

    @property
    def warnings(self):
        return [f for f in self.findings if f.level != "ERROR"]


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
    """checkpatch.pl --strict of the base tree on the patch.  Its verdict
    counts only when it ran to its end: the "total:" line printed, and
    exit 0 with no error or exit 1 with one.  Anything else (not found,
    perl missing, a crash, a silent non-zero exit) leaves checkpatch_ran
    False with the reason, and the validation cannot pass."""
    script = os.path.join(tree, "scripts", "checkpatch.pl")
    if not os.path.isfile(script):
        res.checkpatch_note = ("did not run: %s has no scripts/checkpatch.pl"
                               % tree)
        return
    # --no-tree would skip the tree's own lists (spelling, const_structs);
    # the tree is given as root instead.  Colour off for the report.
    cmd = ["perl", script, "--strict", "--color=never",
           "--root=" + tree, patch.path]
    d = proc.run(cmd, cwd=tree, timeout=300)
    if d.returncode is None:
        res.checkpatch_note = "did not run: %s" % d.why
        return
    res.findings, res.checkpatch_summary = parse_checkpatch(d.out)
    errors = any(f.level == "ERROR" for f in res.findings)
    if not res.checkpatch_summary:
        res.checkpatch_note = ("did not finish: exit %d without its "
                               "\"total:\" line: %s" % (d.returncode,
                                                         d.words()))
    elif d.returncode not in (0, 1) or (d.returncode == 1) != errors:
        res.checkpatch_note = ("exit %d does not agree with its findings "
                               "(%s): %s" % (d.returncode,
                                             res.checkpatch_summary,
                                             d.words()))
    else:
        res.checkpatch_ran = True


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
    d = proc.run(cmd + [patch.path], cwd=tree, timeout=300)
    if d.returncode != 0:
        res.maintainer_note = "get_maintainer.pl failed: %s" % d.words()
        return
    res.recipients = [ln.strip() for ln in d.out.splitlines()
                      if ln.strip()]


_git = proc.git


def blame_origins(tree, patch):
    """The commits that last wrote the lines the patch removes, as the
    tree (a git tree at the patch's base) has them: git blame of each
    removed line, at its line number."""
    shas = set()
    for path, line_no, text in patch.removed_at:
        if not text.strip():
            continue
        out = _git(tree, "blame", "--porcelain", "-L",
                   "%d,%d" % (line_no, line_no), "HEAD", "--", path)
        m = re.match(r"^([0-9a-f]{40}) ", out)
        if m and not m.group(1).startswith("0" * 40):
            shas.add(m.group(1))
    return shas


def suggest_fixes(tree, patch, git_tree, own_fixed, res):
    """A Fixes: tag for a patch whose own tests went from failing to
    passing (own_fixed: (True, "") or (False, why not)): the newest of
    the commits that last wrote the lines it removes (git blame on the
    base), the one that gave the removed code its form."""
    res.fixes_given = patch.tags("Fixes")
    fixed, why = own_fixed
    if not fixed:
        res.fixes_note = "no Fixes: suggested: %s" % why
        return
    if not git_tree:
        res.fixes_note = ("no Fixes: suggested: the tree is not a git tree "
                          "(the commit that wrote the removed lines is "
                          "unknown); look it up with git blame")
        return
    shas = blame_origins(tree, patch)
    if not shas:
        res.fixes_note = ("no Fixes: suggested: the patch removes no line "
                          "git blame can attribute (it only adds lines)")
        return
    newest = _git(tree, "log", "--no-walk=sorted", "--format=%H",
                  *sorted(shas)).split()
    if not newest:
        return
    tag = _git(tree, "log", "-1", "--abbrev=12",
               "--format=Fixes: %h (\"%s\")", newest[0]).strip()
    if tag:
        res.fixes_suggested.append(tag)


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
    """The subject's prefix against the one the touched files' history
    uses (git log).  Without that history the prefix is not checked: a
    table of paths cannot know a subsystem's habits (arch/x86/kernel/
    umip.c takes "x86/umip:"), so it is only named as the usual one."""
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
    usual = ""
    for f in patch.files:
        for start, pre in _PATH_PREFIX:
            if f.startswith(start):
                usual = "; the usual one under %s is \"%s\"" % (start, pre)
                break
        if usual:
            break
    res.prefix_note = ("not checked: %s%s" % (
        "the touched files have no history in this tree" if git_tree else
        "the tree has no git history", usual))


def prefix_ok(res):
    if not res.prefix_wanted:
        return True
    return res.prefix_seen.lower().startswith(res.prefix_wanted.lower())


def added_lines(text):
    """{path: set of the lines the diff adds (text, without the '+')}."""
    out, path = {}, None
    for line in text.splitlines():
        if line.startswith("+++ "):
            name = line[4:].split("\t")[0].strip()
            path = name[2:] if name.startswith("b/") else (
                None if name == "/dev/null" else name)
            continue
        if line.startswith("--- ") or line.startswith("diff --git"):
            continue
        if path and line.startswith("+"):
            out.setdefault(path, set()).add(line[1:].rstrip())
    return out


def scan_added(after, patch, res):
    """The promotion sign-extension checker on the C/C++ files the patch
    touches in the patched tree; a finding counts when its line is one
    the patch adds."""
    added = added_lines(patch.text)
    files = [f for f in added if f.endswith(scan.C_EXT + scan.CXX_EXT)
             and os.path.isfile(os.path.join(after, f))]
    if not files:
        res.scan_note = "no C or C++ line added"
        return
    try:
        findings, _, _ = scan.scan([os.path.join(after, f) for f in files])
    except InputError as e:
        res.scan_note = "did not run: %s" % e
        return
    res.scan_ran = True
    res.scan_files = len(files)
    real = os.path.realpath(after) + os.sep
    for f in findings:
        rel = f["file"][len(real):] if f["file"].startswith(real) else f["file"]
        try:
            with open(f["file"], errors="replace") as src:
                line = src.read().splitlines()[f["line"] - 1].rstrip()
        except (OSError, IndexError):
            continue
        if line in added.get(rel, ()):
            text = scan.format_finding(dict(f, file=rel))
            msg = text.split(": warning: ", 1)[1]
            res.scan_findings.append(Finding(
                "WARNING", "PROMOTION_SIGN_EXTENSION", msg,
                "FILE: %s:%d:%d" % (rel, f["line"], f["col"]), "+" + line))


def check(tree, patch, git_tree, own_fixed, after=None):
    """Every check of one patch; own_fixed: (whether the patch's own tests
    went from failing to passing, why not); after: the patched tree, for
    the scan of the added lines."""
    res = PatchChecks()
    checkpatch(tree, patch, res)
    if after:
        scan_added(after, patch, res)
    get_maintainer(tree, patch, git_tree, res)
    res.signed_off = patch.tags("Signed-off-by")
    suggest_fixes(tree, patch, git_tree, own_fixed, res)
    subject_prefix(tree, patch, git_tree, res)
    return res
