# SPDX-License-Identifier: GPL-2.0-only
"""The documentation holds together: README.md stays a page a newcomer
reads in minutes, every relative link of every tracked Markdown file
names a file that exists (and a heading in it, for a #fragment), and
every `make TARGET` the front page names is a target `make help` lists.
"""

import os
import re
import subprocess

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
FRONT_MAX_LINES = 300
# make targets of the kernel tree that the front page names as such.
KERNEL_TARGETS = {"headers"}

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^(```|````)")


def tracked_markdown():
    out = subprocess.run(["git", "-C", TOP, "ls-files", "*.md"],
                         capture_output=True, text=True, check=True).stdout
    return [p for p in out.split() if p]


def prose(path):
    """The lines of a Markdown file outside fenced code blocks."""
    lines, fence = [], None
    with open(os.path.join(TOP, path), encoding="utf-8") as f:
        for line in f:
            m = FENCE.match(line)
            if m and fence is None:
                fence = m.group(1)
            elif m and line.strip() == fence:
                fence = None
            elif fence is None:
                lines.append(line.rstrip("\n"))
    return lines


def slug(heading):
    """GitHub's anchor for a heading's text."""
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def anchors(path):
    seen, out = {}, set()
    for line in prose(path):
        m = re.match(r"^#{1,6} (.*)$", line)
        if not m:
            continue
        base = slug(m.group(1))
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else "%s-%d" % (base, n))
    return out


def test_slug_rule():
    assert slug("`make check`, target by target") == \
        "make-check-target-by-target"
    assert slug("Bisecting: `runner/bisect-run.sh`") == \
        "bisecting-runnerbisect-runsh"


def test_front_page_is_short():
    with open(os.path.join(TOP, "README.md"), encoding="utf-8") as f:
        n = sum(1 for _ in f)
    assert n <= FRONT_MAX_LINES, (
        "README.md has %d lines, wanted at most %d: details belong in the "
        "README of their directory" % (n, FRONT_MAX_LINES))


@pytest.mark.parametrize("path", tracked_markdown())
def test_relative_links_resolve(path):
    bad = []
    for line in prose(path):
        for target in LINK.findall(line):
            if re.match(r"^[a-z]+:", target):
                continue            # http:, https:, mailto:
            file_part, _, frag = target.partition("#")
            dest = os.path.normpath(os.path.join(
                TOP, os.path.dirname(path), file_part)) if file_part \
                else os.path.join(TOP, path)
            if not os.path.exists(dest):
                bad.append("%s: no such file (seen %s)" % (target, dest))
                continue
            if frag and dest.endswith(".md") and frag not in anchors(
                    os.path.relpath(dest, TOP)):
                bad.append("%s: no heading with anchor #%s in %s" % (
                    target, frag, os.path.relpath(dest, TOP)))
    assert not bad, "%s:\n  %s" % (path, "\n  ".join(bad))


def test_front_page_make_targets_exist():
    out = subprocess.run(["make", "-s", "-C", TOP, "help"],
                         capture_output=True, text=True, check=True).stdout
    listed = set(re.findall(r"^\s*(\S+)\s", out, re.M))
    named = set()
    for line in prose("README.md") + [
            line for line in open(os.path.join(TOP, "README.md"),
                                  encoding="utf-8")]:
        named.update(re.findall(r"\bmake ([a-z][a-z0-9_.]+)\b", line))
    missing = sorted(t for t in named - KERNEL_TARGETS if t not in listed)
    assert not missing, ("README.md names make targets that make help does "
                         "not list: %s" % ", ".join(missing))
