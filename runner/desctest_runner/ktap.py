# SPDX-License-Identifier: GPL-2.0-only
"""KTAP / TAP parser for what kselftest programs and runners print.

Handles:
  * "TAP version 13", "TAP version 14", "KTAP version 1" headers;
  * plan lines "1..N", including "1..0 # SKIP reason";
  * "ok"/"not ok" results with directives SKIP, TODO, XFAIL, XPASS,
    TIMEOUT, ERROR (any other text after " # " is kept as a note and the
    result is plain ok / not ok);
  * nested subtests, both indented (KTAP) and carried as "# "-prefixed lines
    in the parent's output (the kselftest runner's prefixer), including the
    prefixer's late lines that arrive after the parent's result line;
  * "Bail out!", diagnostics, and the "# Totals:" line, which is
    cross-checked against the results counted.

parse(lines) returns a Document; nothing here raises on bad input: every
oddity is listed in Document.problems.
"""

import re
from dataclasses import dataclass, field

OUTCOMES = ("pass", "fail", "skip", "xfail", "xpass", "timeout", "error")

_VERSION = re.compile(r"^(K?TAP) version (\d+)\s*$")
_PLAN = re.compile(r"^1\.\.(\d+)\s*(?:#\s*(.*?))?\s*$")
_RESULT = re.compile(r"^(not ok|ok)\b(?:\s+(\d+))?\s*(?:-\s+)?(.*?)\s*$")
_BAIL = re.compile(r"^Bail out!\s*(.*?)\s*$", re.IGNORECASE)
_TOTALS = re.compile(r"^#\s*Totals:\s*(.*?)\s*$")
_TOTALS_ITEM = re.compile(r"(\w+):\s*(\d+)")
_SUBTEST = re.compile(r"^#\s*Subtest:\s*(.*?)\s*$")
# The kselftest runner announces each program with "# selftests: COLL: NAME"
# in its own (unprefixed) output; lines its prefixer prints between a
# result and the next announcement are late lines of that result.
_RUNNER_ANNOUNCE = re.compile(r"^selftests: \S+: .+$")
# "-o N" (run_kselftest.sh) prints "overriding timeout to N" instead.
_RUNNER_TIMEOUT = re.compile(r"^(?:timeout set to|overriding timeout to) "
                             r"\d+\s*$")

_DIRECTIVES = {
    "SKIP": "SKIP", "SKIPPED": "SKIP", "TODO": "TODO", "XFAIL": "XFAIL",
    "XPASS": "XPASS", "TIMEOUT": "TIMEOUT", "ERROR": "ERROR",
}


class Problem(str):
    """One oddity in a stream, as its message. kind "fatal" makes the
    stream untrustworthy (the program fails); "note" (numbering, a missing
    plan, a stray header) is reported but fails nothing."""

    def __new__(cls, text, kind="fatal"):
        self = super().__new__(cls, text)
        self.kind = kind
        return self


def _note(text):
    return Problem(text, "note")


# kselftest's "# Totals:" has no timeout column: a timeout counts as fail.
TOTALS_KEYS = ("pass", "fail", "xfail", "xpass", "skip", "error")


@dataclass
class Result:
    """One "ok"/"not ok" line and what belongs to it."""
    ok: bool
    number: int | None
    description: str
    directive: str | None = None   # SKIP TODO XFAIL XPASS TIMEOUT ERROR
    reason: str = ""               # text after the directive keyword
    note: str = ""                 # text after an unknown " # " directive
    diagnostics: list = field(default_factory=list)
    children: "Document | None" = None
    line: int = 0                  # 1-based line number in the stream
    when: float | None = None      # arrival time, when the caller knows it
    nested_entries: list = field(default_factory=list, repr=False)

    @property
    def outcome(self):
        d = self.directive
        if d == "SKIP":
            return "skip"
        if d == "TODO":
            return "xpass" if self.ok else "xfail"
        if d == "XFAIL":
            return "xfail"
        if d == "XPASS":
            return "xpass"
        if d == "TIMEOUT":
            return "timeout"
        if d == "ERROR":
            return "error"
        return "pass" if self.ok else "fail"

    @property
    def name(self):
        """What the test is called: its description, else the directive
        text (kselftest prints "ok 3 # SKIP why"), else its number."""
        if self.description:
            return self.description
        if self.reason:
            return self.reason
        return "test %s" % (self.number if self.number is not None else "?")


@dataclass
class Document:
    """One KTAP stream (a program's output, or a nested subtest)."""
    version: str | None = None
    plan: int | None = None
    plan_directive: str | None = None
    plan_reason: str = ""
    results: list = field(default_factory=list)
    totals: dict | None = None
    bail_out: str | None = None
    subtest_name: str | None = None
    diagnostics: list = field(default_factory=list)
    other_lines: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def structured(self):
        """True when the lines held any KTAP structure at all."""
        return bool(self.version or self.plan is not None or self.results
                    or self.bail_out is not None or self.totals is not None)

    @property
    def skipped_whole(self):
        return self.plan == 0 and self.plan_directive == "SKIP"

    def counts(self):
        c = dict.fromkeys(OUTCOMES, 0)
        for r in self.results:
            c[r.outcome] += 1
        return c

    def kselftest_counts(self):
        """counts() in the terms of kselftest's "# Totals:" line."""
        return totals_counts(r.outcome for r in self.results)

    def fatal(self):
        return [p for p in self.problems if p.kind == "fatal"]

    def notes(self):
        return [p for p in self.problems if p.kind != "fatal"]

    def walk(self, prefix=()):
        """Yield (path, Result) for every result, depth first, children
        before their parent (the order they appear in the stream)."""
        for r in self.results:
            path = prefix + (r.name,)
            if r.children is not None:
                yield from r.children.walk(path)
            yield path, r


_HASH = re.compile(r"(?:^|\s)#(?:\s|$)")
_WORD = re.compile(r"([A-Za-z]+)(?::|(?=\s)|$)\s*(.*?)\s*$")


def _directive(text):
    """(DIRECTIVE, reason) when text starts with a directive word, with or
    without a colon after it ("SKIP why", "SKIP: why"), else None."""
    m = _WORD.match(text.strip())
    key = m and _DIRECTIVES.get(m.group(1).upper())
    return (key, m.group(2)) if key else None


def _split_directive(rest):
    """Split "desc # DIRECTIVE reason" into (desc, directive, reason, note).
    The directive is the last " # " followed by a directive word, so a
    description holding " # " keeps it; without one, the text after the
    first " # " is a note."""
    marks = list(_HASH.finditer(rest))
    for m in reversed(marks):
        found = _directive(rest[m.end():])
        if found:
            return rest[:m.start()].strip(), found[0], found[1], ""
    if not marks:
        return rest.strip(), None, "", ""
    m = marks[0]
    return rest[:m.start()].strip(), None, "", rest[m.end():].strip()


def _indent(line):
    return len(line) - len(line.lstrip(" \t"))


def _unprefix(line):
    """Strip one "# " level of the kselftest prefixer (or a bare "#")."""
    if line.startswith("# "):
        return line[2:]
    return line[1:]


class _Parser:
    def __init__(self, lines, times, first_line):
        self.lines = lines
        self.times = times
        self.first = first_line
        self.doc = Document()
        self.pending_diag = []      # diagnostics since the last result
        self.pending_prefixed = []  # (lineno, text, time) "# "-nested lines
        self.pending_indented = []  # (lineno, text, time) indented lines
        self.announced = False      # saw "# selftests: ..." lines
        self.late_target = None     # result that late lines belong to

    def run(self):
        doc = self.doc
        base = None
        for i, raw in enumerate(self.lines):
            lineno = self.first + i
            when = self.times[i] if self.times else None
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            if doc.bail_out is not None:
                doc.other_lines.append(line)
                continue
            ind = _indent(line)
            if base is None:
                base = ind
            if ind > base:
                self.pending_indented.append((lineno, line, when))
                self.pending_diag.append(line.strip())
                continue
            text = line.strip()
            self._line(lineno, text, when)
        self._finish()
        return doc

    def _line(self, lineno, text, when):
        doc = self.doc
        m = _VERSION.match(text)
        if m:
            if doc.version is None and not doc.results:
                doc.version = "%s %s" % (m.group(1), m.group(2))
            else:
                doc.problems.append(_note("line %d: stray version line %r"
                                          % (lineno, text)))
            return
        m = _PLAN.match(text)
        if m:
            if doc.plan is not None:
                doc.problems.append(_note("line %d: second plan line %r"
                                          % (lineno, text)))
                return
            doc.plan = int(m.group(1))
            if m.group(2):
                found = _directive(m.group(2))
                if found:
                    doc.plan_directive, doc.plan_reason = found
                else:
                    doc.plan_reason = m.group(2)
            return
        m = _RESULT.match(text)
        if m:
            self._result(lineno, m, when)
            return
        m = _BAIL.match(text)
        if m:
            doc.bail_out = m.group(1)
            return
        m = _TOTALS.match(text)
        if m:
            totals = {k: int(v) for k, v in _TOTALS_ITEM.findall(m.group(1))}
            if doc.totals is not None:
                doc.problems.append(Problem(
                    "second # Totals line (line %d): %r" % (lineno, text)))
            elif not totals:
                doc.problems.append(Problem(
                    "# Totals line (line %d) holds no counts: %r; want "
                    "pass:N fail:N ..." % (lineno, text)))
            else:
                doc.totals = totals
            return
        if text.startswith("#"):
            inner = _unprefix(text)
            m = _SUBTEST.match(text)
            if m and doc.subtest_name is None and not doc.results:
                doc.subtest_name = m.group(1)
                return
            if _RUNNER_ANNOUNCE.match(inner) or _RUNNER_TIMEOUT.match(inner):
                self._flush_late()
                self.announced = True
                self.pending_diag.append(inner)
                return
            self.pending_prefixed.append((lineno, inner, when))
            self.pending_diag.append(inner.lstrip())
            return
        doc.other_lines.append(text)
        self.pending_diag.append(text)

    def _child(self, entries, prefixed):
        if not entries:
            return None
        lines = [t for _, t, _ in entries]
        times = [w for _, _, w in entries]
        if not prefixed:
            cut = min(_indent(t) for t in lines)
            lines = [t[cut:] for t in lines]
        child = _Parser(lines, times, entries[0][0]).run()
        return child if child.structured else None

    def _result(self, lineno, m, when):
        doc = self.doc
        desc, directive, reason, note = _split_directive(m.group(3))
        r = Result(ok=m.group(1) == "ok",
                   number=int(m.group(2)) if m.group(2) else None,
                   description=desc, directive=directive, reason=reason,
                   note=note, line=lineno, when=when)
        # "not ok N # SKIP" is still a skip; kselftest never prints it.
        child = self._child(self.pending_indented, False)
        r.nested_entries = []
        if child is None:
            child = self._child(self.pending_prefixed, True)
            r.nested_entries = self.pending_prefixed
        r.children = child
        r.diagnostics = self.pending_diag
        self.pending_diag = []
        self.pending_indented = []
        self.pending_prefixed = []
        expect = len(doc.results) + 1
        if r.number is not None and r.number != expect:
            doc.problems.append(_note("line %d: result numbered %d, "
                                      "expected %d"
                                      % (lineno, r.number, expect)))
        doc.results.append(r)
        self.late_target = r if self.announced else None

    def _flush_late(self):
        """Lines the prefixer printed after the previous result belong to
        that result; re-parse its nested stream with them added."""
        r = self.late_target
        self.late_target = None
        if r is None or not self.pending_prefixed:
            return
        entries = r.nested_entries + self.pending_prefixed
        r.children = self._child(entries, True)
        r.nested_entries = entries
        r.diagnostics.extend(self.pending_diag)
        self.pending_prefixed = []
        self.pending_diag = []

    def _finish(self):
        doc = self.doc
        if self.late_target is not None:
            self._flush_late()
        if self.pending_indented:
            # Indented lines with no parent result after them: a subtest
            # cut off before its parent reported.
            child = self._child(self.pending_indented, False)
            if child is not None:
                doc.problems.append(Problem(
                    "indented subtest output at line %d has no parent "
                    "result line" % self.pending_indented[0][0]))
        doc.diagnostics.extend(self.pending_diag)
        self._check()

    def _check(self):
        doc = self.doc
        n = len(doc.results)
        if doc.bail_out is not None:
            doc.problems.append(Problem("Bail out!%s" % (
                " " + doc.bail_out if doc.bail_out else "")))
        if doc.plan is not None and doc.plan != n:
            if n < doc.plan:
                doc.problems.append(Problem(
                    "stopped mid-stream: plan 1..%d but %d result(s)"
                    % (doc.plan, n)))
            else:
                doc.problems.append(Problem(
                    "plan 1..%d but %d result(s)" % (doc.plan, n)))
        if doc.plan is None and n:
            doc.problems.append(_note("no plan line (1..N) for %d result(s)"
                                      % n))
        if doc.totals is not None:
            counted = doc.kselftest_counts()
            for key in TOTALS_KEYS:
                if key in doc.totals and doc.totals[key] != counted[key]:
                    doc.problems.append(Problem(
                        "# Totals says %s:%d but %d counted"
                        % (key, doc.totals[key], counted[key])))


def totals_counts(outcomes):
    """Counts of outcomes in "# Totals:" terms (TOTALS_KEYS): the one
    place a timeout becomes a fail."""
    c = dict.fromkeys(TOTALS_KEYS, 0)
    for o in outcomes:
        c["fail" if o == "timeout" else o] += 1
    return c


def structural(line):
    """True for a line that shapes a KTAP stream at any nesting depth (a
    result, plan, header, Totals, Bail out!, Subtest), as opposed to a
    diagnostic or stray text."""
    text = line.strip()
    while text.startswith("#"):
        if _TOTALS.match(text) or _SUBTEST.match(text):
            return True
        text = text[1:].strip()
    return bool(_RESULT.match(text) or _PLAN.match(text) or
                _VERSION.match(text) or _BAIL.match(text))


def parse(lines, times=None):
    """Parse an iterable of lines (str) into a Document. times, when given,
    is a parallel list of arrival times for the lines."""
    lines = list(lines)
    if times is not None and len(times) != len(lines):
        raise ValueError("times must be parallel to lines")
    return _Parser(lines, times, 1).run()


def parse_text(text):
    return parse(text.splitlines())
