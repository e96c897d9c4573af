# SPDX-License-Identifier: GPL-2.0-only
"""The KVM selftests framework's TEST_ASSERT report, found in a program's
output.

A failed TEST_ASSERT (or TEST_FAIL, or a guest assert the host reports)
prints to stderr

    ==== Test Assertion Failure ====
      <file>:<line>: <expression>
      pid=<pid> tid=<tid> errno=<n> - <text>
         1	<frame> at <file>:<line>      (addr2line | cat -n; may be missing)
      <message, possibly on several indented lines>

and exits 254, cutting the KTAP stream wherever it was.  On a console run
stdout and stderr arrive together, so both are searched.
"""

import re

HEADER = "==== Test Assertion Failure ===="
EXIT_CODE = 254
_FRAME = re.compile(r"^\s*\d+\t")
_NOISE = ("addr2line", "(stack trace empty)")


def _block(lines):
    """The lines after the last header: the framework indents all it
    prints there; addr2line's numbered frames (or the shell's complaint
    that addr2line is missing) may sit among them.  The first other line
    ends the report."""
    start = None
    for i, line in enumerate(lines):
        if line.strip() == HEADER:
            start = i + 1
    if start is None:
        return None
    out = []
    for line in lines[start:]:
        if not (line.startswith((" ", "\t")) or _FRAME.match(line)
                or "addr2line" in line):
            break
        out.append(line.rstrip())
    return out


def reason(run):
    """'file:line: expression: message' of a framework assertion the
    program printed, or None."""
    for text in (run.stderr_text.splitlines(), run.stdout_lines):
        block = _block(list(text))
        if not block:
            continue
        where = block[0].strip()
        message = [l.strip() for l in block[1:]
                   if l.strip() and not l.strip().startswith("pid=")
                   and not _FRAME.match(l)
                   and not any(n in l for n in _NOISE)]
        return where + (": " + " ".join(message) if message else "")
    return None


def verdict(run, doc):
    """(outcome, reason, details) for a program that died of a framework
    assertion (exit 254 and the report found), else None."""
    if run.returncode != EXIT_CODE:
        return None
    why = reason(run)
    if why is None:
        return None
    details = ["KTAP: " + p for p in doc.problems] if doc is not None else []
    done = len(doc.results) if doc is not None else 0
    planned = getattr(doc, "plan", None) if doc is not None else None
    stopped = "after %d result(s)%s" % (
        done, " of %s planned" % planned if isinstance(planned, int) else "")
    return "fail", "KVM selftests framework assertion failed (exit 254, %s): %s" % (
        stopped, why), details
