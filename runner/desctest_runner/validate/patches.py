# SPDX-License-Identifier: GPL-2.0-only
"""validate: reading the patches given to it.

A patch is either a mail (git format-patch output, or one message of an
mbox: a "From " line or mail headers before the diff), applied with
git am / git apply, or a plain diff, applied with patch -p1.  A series
is a directory (its *.patch / *.diff / *.mbox files in name order) or an
mbox holding several messages."""

import os
import re
from dataclasses import dataclass, field

from ..config import InputError

_MBOX_FROM = re.compile(r"^From [0-9a-f]{40} |^From \S+ +\w{3} \w{3} ")
_DIFF_FILE = re.compile(r"^\+\+\+ (?:b/)?(\S+)")
_DIFF_OLD = re.compile(r"^--- (?:a/)?(\S+)")
_GIT_DIFF = re.compile(r"^diff --git a/(\S+) b/(\S+)")
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,(\d+))? @@")
_SUFFIXES = (".patch", ".diff", ".mbox", ".eml")


@dataclass
class Patch:
    name: str          # shown to the user: file name (and #N in an mbox)
    path: str          # a file holding exactly this patch
    text: str
    mail: bool         # True: a mail (git am); False: a plain diff
    subject: str = ""
    author: str = ""
    message: str = ""  # the commit message (mail body before "---")
    files: list = field(default_factory=list)     # paths the diff touches
    removed: list = field(default_factory=list)   # (path, line) removed
    # (path, line number in the file before the patch, line) removed
    removed_at: list = field(default_factory=list)
    deleted: list = field(default_factory=list)   # files the diff deletes

    def tags(self, tag):
        """Values of "Tag: value" lines of the commit message."""
        pat = re.compile(r"^%s:\s*(.+?)\s*$" % re.escape(tag), re.I | re.M)
        return pat.findall(self.message)


def _split_mbox(text):
    """Messages of an mbox (or one patch file), each a string."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, ln in enumerate(lines) if _MBOX_FROM.match(ln)]
    if len(starts) <= 1:
        return [text]
    if starts[0] != 0 and "".join(lines[:starts[0]]).strip():
        starts.insert(0, 0)
    return ["".join(lines[a:b]) for a, b in zip(starts, starts[1:] + [None])]


def _header(head, name):
    """One mail header, folded lines joined."""
    m = re.search(r"^%s:[ \t]*(.*(?:\n[ \t]+.*)*)" % name, head, re.I | re.M)
    return " ".join(m.group(1).split()) if m else ""


def _parse(name, path, text):
    diff_at = re.search(r"^(diff --git |--- \S)", text, re.M)
    if not diff_at:
        raise InputError("PATCH %s holds no diff (no 'diff --git' or '--- "
                         "a/...' line); pass a git format-patch file or the "
                         "output of diff -u / git diff" % name)
    head = text[:diff_at.start()]
    mail = bool(_MBOX_FROM.match(text) or
                re.search(r"^Subject:", head, re.M | re.I))
    p = Patch(name=name, path=path, text=text, mail=mail)
    if mail:
        hdr_end = head.find("\n\n")
        hdr = head if hdr_end < 0 else head[:hdr_end]
        body = "" if hdr_end < 0 else head[hdr_end + 2:]
        p.subject = re.sub(r"^\[[^]]*\]\s*", "", _header(hdr, "Subject"))
        p.author = _header(hdr, "From")
        sep = re.search(r"^---\s*$", body, re.M)
        p.message = body[:sep.start()] if sep else body
    files, removed, removed_at, deleted = [], [], [], []
    cur = old = None
    old_no = old_left = new_left = 0   # inside a hunk: what is left of it
    for ln in text[diff_at.start():].splitlines():
        if old_left or new_left:
            # A hunk line, whatever it starts with ("--x" is a removed
            # "-x", not a file header).
            tag, body = ln[:1], ln[1:]
            if tag == "-":
                removed.append((cur, body))
                removed_at.append((cur, old_no, body))
                old_no, old_left = old_no + 1, old_left - 1
            elif tag == "+":
                new_left -= 1
            elif tag in (" ", ""):
                old_no, old_left, new_left = old_no + 1, old_left - 1, \
                    new_left - 1
            continue        # "\ No newline at end of file"
        if ln == "-- ":
            break       # the mail's signature (git's version) follows
        m = _GIT_DIFF.match(ln)
        if m:
            cur = m.group(2)
            continue
        m = _HUNK.match(ln)
        if m and cur:
            old_no = int(m.group(1))
            old_left = int(m.group(2) if m.group(2) is not None else 1)
            new_left = int(m.group(3) if m.group(3) is not None else 1)
            continue
        m = _DIFF_OLD.match(ln)
        if m:
            old = m.group(1)
            continue
        m = _DIFF_FILE.match(ln)
        if m:
            cur = m.group(1)
            if cur == "/dev/null" or cur == "dev/null":
                cur = old
                deleted.append(old)
            if cur not in files:
                files.append(cur)
            continue
    if not files:
        raise InputError("PATCH %s: no file names in its diff ('+++ b/...' "
                         "lines); pass a unified diff" % name)
    p.files, p.removed, p.deleted = files, removed, deleted
    p.removed_at = removed_at
    return p


def load(spec, scratch):
    """The patches named by spec (a file, an mbox or a directory), in
    order.  Each lands as its own file under scratch (for checkpatch and
    git am).  InputError on anything unreadable."""
    if os.path.isdir(spec):
        names = sorted(n for n in os.listdir(spec) if n.endswith(_SUFFIXES))
        if not names:
            raise InputError("PATCH=%s: a directory without *.patch, *.diff "
                             "or *.mbox files; pass git format-patch's output "
                             "directory or a patch file" % spec)
        files = [os.path.join(spec, n) for n in names]
    elif os.path.isfile(spec):
        files = [spec]
    else:
        raise InputError("PATCH=%s: no such file or directory; pass a patch "
                         "file, an mbox or a directory of patches" % spec)
    os.makedirs(scratch, exist_ok=True)
    out = []
    for f in files:
        try:
            with open(f, encoding="utf-8", errors="surrogateescape") as fh:
                text = fh.read()
        except OSError as e:
            raise InputError("PATCH %s: %s" % (f, e.strerror)) from None
        msgs = _split_mbox(text)
        for i, msg in enumerate(msgs, 1):
            name = os.path.basename(f) + ("#%d" % i if len(msgs) > 1 else "")
            path = os.path.join(scratch, "%04d.patch" % (len(out) + 1))
            with open(path, "w", encoding="utf-8",
                      errors="surrogateescape") as fh:
                fh.write(msg)
            out.append(_parse(name, path, msg))
    return out


def from_text(name, text, scratch):
    """A patch given as text (git format-patch of COMMITS)."""
    os.makedirs(scratch, exist_ok=True)
    path = os.path.join(scratch, "%s.patch" % name)
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
        fh.write(text)
    return _parse(name, path, text)


SELFTESTS = "tools/testing/selftests/"
KERNEL_PREFIXES = ("arch/x86/", "virt/kvm/", "include/")


def kinds(patches):
    """What the series touches: {"selftests", "kernel", "other"}."""
    out = set()
    for p in patches:
        for f in p.files:
            if f.startswith(SELFTESTS):
                out.add("selftests")
            elif f.startswith(KERNEL_PREFIXES):
                out.add("kernel")
            else:
                out.add("other")
    return out
