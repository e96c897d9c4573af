# SPDX-License-Identifier: GPL-2.0-only
"""KTAP / TAP parser for what kselftest programs and runners print.

Handles:
  * "TAP version 13", "TAP version 14", "KTAP version 1" headers;
  * plan lines "1..N", including "1..0 # SKIP reason";
  * "ok"/"not ok" results with directives SKIP, TODO, XFAIL, XPASS,
    TIMEOUT, ERROR, after " # " or " #" (any other text after " # " is
    kept as a note and the result is plain ok / not ok);
  * nested subtests, both indented (KTAP; each stream's indentation is
    learned from its version, plan or first result line) and carried as
    "# "-prefixed lines in the parent's output (the kselftest runner's
    prefixer: such a stream starts with a version or plan line), including
    the prefixer's late lines that arrive after the parent's result line;
  * "Bail out!", diagnostics, and the "# Totals:" line, which is
    cross-checked against the results counted.

The parser is incremental (Parser.feed one line at a time, then finish)
and linear in its input: every line is looked at once per nesting level,
no pattern backtracks over a line more than once, nesting is capped at
MAX_DEPTH levels and what is kept in memory is capped in count and in
characters (MAX_RESULTS results; DIAG_KEEP diagnostic lines and
DIAG_CHARS characters of them per result; TEXT_CHARS characters of text
per parse; NAME_CHARS per result name, reason or note; NOTE_KEEP notes
and FATAL_KEEP fatal problems per stream); whatever is dropped is counted
(Document.cut) and named in Document.problems, and no cap changes what is
counted: every result is judged whatever was dropped of its text.
parse(lines) returns a Document; nothing here raises on bad input: every
oddity is listed in Document.problems.
"""

import re
from dataclasses import dataclass, field

OUTCOMES = ("pass", "fail", "skip", "xfail", "xpass", "timeout", "error")
# The outcomes that fail a test, a program and a run: the one list of them
# (verdict, compare, validate, the reports and bisect-report use it).
FAILING = ("fail", "timeout", "error", "xpass")

# Nesting deeper than this is not followed: the deeper lines stay
# diagnostics and the stream gets a fatal problem.
MAX_DEPTH = 16
# Results kept in memory per parse (all levels together); past it results
# are counted by outcome only, and that is a fatal problem.
MAX_RESULTS = 250000
# Diagnostics kept per result: the last ones (they say why it failed),
# at most DIAG_KEEP lines and DIAG_CHARS characters in all; one longer
# line is cut to its first DIAG_CHARS characters. Stray text lines kept
# per stream.
DIAG_KEEP = 64
DIAG_CHARS = 16 * 1024
OTHER_KEEP = 100
# Text one parse (a program's output, every nesting level) keeps in all:
# diagnostics, stray lines, and what of result names, reasons and notes
# goes past NAME_FREE characters. Once a piece does not fit, diagnostics
# are counted and no longer kept (a failing result gets DIAG_SPENT), and
# names, reasons and notes are cut at NAME_FREE characters.
TEXT_CHARS = 4 * 1024 * 1024
# A result's description, directive reason or note is cut at NAME_CHARS
# characters (NAME_FREE once TEXT_CHARS is spent); so are a plan's
# reason, a "Bail out!" reason and a subtest name.
NAME_CHARS = 1024
NAME_FREE = 64
# Notes kept per stream (numbering, stray lines: one per line of a bad
# stream); past it they are counted. Fatal problems likewise past
# FATAL_KEEP (one is enough to fail the stream); a line a problem quotes
# is cut at QUOTE_CHARS characters.
NOTE_KEEP = 100
FATAL_KEEP = 100
QUOTE_CHARS = 120
# What a failing result's diagnostics say once the parse's text is spent.
DIAG_SPENT = ("[desctest: diagnostics not kept: this program's output used "
              "up the %d characters of text a program keeps; see the raw "
              "stdout file]" % TEXT_CHARS)

# Every line is right-stripped before these see it, so none needs a
# trailing "\s*$" (which backtracks quadratically over trailing blanks).
_VERSION = re.compile(r"(K?TAP) version (\d+)$")
_PLAN = re.compile(r"1\.\.(\d+)\s*(?:#\s*(.*))?$", re.S)
_RESULT = re.compile(r"(not ok|ok)\b(?:\s+(\d+))?\s*(?:-\s+)?(.*)", re.S)
_BAIL = re.compile(r"Bail out!\s*(.*)", re.IGNORECASE | re.S)
_TOTALS = re.compile(r"#\s*Totals:\s*(.*)", re.S)
# Only at the start of a word: a long word without ":" after it is
# looked at once, not once per character.
_TOTALS_ITEM = re.compile(r"\b(\w+):\s*(\d+)")
_SUBTEST = re.compile(r"#\s*Subtest:\s*(.*)", re.S)
# The kselftest runner announces each program with "# selftests: COLL: NAME"
# in its own (unprefixed) output; lines its prefixer prints between a
# result and the next announcement are late lines of that result.
_RUNNER_ANNOUNCE = re.compile(r"selftests: \S+: .+$", re.S)
# "-o N" (run_kselftest.sh) prints "overriding timeout to N" instead.
_RUNNER_TIMEOUT = re.compile(r"(?:timeout set to|overriding timeout to) "
                             r"\d+$")
# A "#" that may start a directive or note: at the start or after a blank.
_MARK = re.compile(r"(?:^|(?<=\s))#")
# The directive word after a mark: bounded, so trying every mark of a line
# costs linear time in all.
_DWORD = re.compile(r"\s*([A-Za-z]{1,8})(?![A-Za-z])(:?)")

_DIRECTIVES = {
    "SKIP": "SKIP", "SKIPPED": "SKIP", "TODO": "TODO", "XFAIL": "XFAIL",
    "XPASS": "XPASS", "TIMEOUT": "TIMEOUT", "ERROR": "ERROR",
}


class Problems(list):
    """A stream's problems: the first FATAL_KEEP fatal ones, the first
    NOTE_KEEP notes; those past them are counted and named by close()."""

    def __init__(self, *a):
        super().__init__(*a)
        self.notes_kept = 0
        self.more_notes = 0
        self.fatal_kept = 0
        self.more_fatal = 0
        self.closed = False

    def append(self, p):
        if not self.closed:
            if p.kind != "fatal":
                if self.notes_kept >= NOTE_KEEP:
                    self.more_notes += 1
                    return
                self.notes_kept += 1
            else:
                if self.fatal_kept >= FATAL_KEEP:
                    self.more_fatal += 1
                    return
                self.fatal_kept += 1
        super().append(p)

    def close(self):
        """The stream ended: name what was not kept; the end-of-stream
        checks that follow are kept whatever the count."""
        if self.more_fatal:
            super().append(Problem(
                "%d more fatal problem(s) of this stream not kept (the "
                "first %d are above)" % (self.more_fatal, FATAL_KEEP)))
            self.more_fatal = 0
        if self.more_notes:
            super().append(Problem(
                "%d more note(s) of this stream not kept (the first %d "
                "are above)" % (self.more_notes, NOTE_KEEP), "note"))
            self.more_notes = 0
        self.closed = True


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


def _quote(text):
    """repr() of a line a problem names, cut at QUOTE_CHARS characters."""
    if len(text) <= QUOTE_CHARS:
        return repr(text)
    return "%r... (%d characters)" % (text[:QUOTE_CHARS], len(text))


# kselftest's "# Totals:" has no timeout column: a timeout counts as fail.
TOTALS_KEYS = ("pass", "fail", "xfail", "xpass", "skip", "error")

_NO_DIAG = ()


def _outcome(ok, directive):
    if directive is None:
        return "pass" if ok else "fail"
    if directive == "SKIP":
        return "skip"
    if directive == "TODO":
        return "xpass" if ok else "xfail"
    return directive.lower()


class Result:
    """One "ok"/"not ok" line and what belongs to it."""
    __slots__ = ("ok", "number", "description", "directive", "reason",
                 "note", "diagnostics", "children", "line", "when",
                 "outcome")

    def __init__(self, ok, number, description, directive=None, reason="",
                 note="", diagnostics=_NO_DIAG, children=None, line=0,
                 when=None):
        self.ok = ok
        self.number = number
        self.description = description
        self.directive = directive     # SKIP TODO XFAIL XPASS TIMEOUT ERROR
        self.reason = reason           # text after the directive keyword
        self.note = note               # text after an unknown " # " note
        self.diagnostics = diagnostics
        self.children = children       # Document of a nested stream
        self.line = line               # 1-based line number in the stream
        self.when = when               # arrival time, when known
        # "not ok N # SKIP" is still a skip; kselftest never prints it.
        if directive is None:
            self.outcome = "pass" if ok else "fail"
        else:
            self.outcome = _outcome(ok, directive)

    @property
    def name(self):
        """What the test is called: its description, else the directive
        text (kselftest prints "ok 3 # SKIP why"), else its number."""
        if self.description:
            return self.description
        if self.reason:
            return self.reason
        return "test %s" % (self.number if self.number is not None else "?")

    def __repr__(self):
        return "Result(%r, %r, %r, %s)" % (self.ok, self.number,
                                           self.description, self.outcome)


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
    problems: list = field(default_factory=Problems)
    # Results counted but not kept (MAX_RESULTS), by outcome.
    dropped: dict = field(default_factory=dict)
    # The whole parse's text not kept (top-level document only):
    # diagnostic_lines, diagnostic_chars, names_cut; only those not 0.
    cut: dict = field(default_factory=dict)

    @property
    def structured(self):
        """True when the lines held any KTAP structure at all."""
        return bool(self.version or self.plan is not None or self.results
                    or self.dropped or self.bail_out is not None
                    or self.totals is not None)

    @property
    def skipped_whole(self):
        return self.plan == 0 and self.plan_directive == "SKIP"

    def result_count(self):
        return len(self.results) + sum(self.dropped.values())

    def counts(self):
        c = dict.fromkeys(OUTCOMES, 0)
        for r in self.results:
            c[r.outcome] += 1
        for o, n in self.dropped.items():
            c[o] += n
        return c

    def kselftest_counts(self):
        """counts() in the terms of kselftest's "# Totals:" line."""
        c = self.counts()
        return totals_counts(o for o in OUTCOMES for _ in range(c[o]))

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


def _directive_at(text, pos):
    """(DIRECTIVE, reason) when a directive word starts at text[pos:]
    (after blanks), with or without a colon after it ("SKIP why",
    "SKIP: why"), else None."""
    m = _DWORD.match(text, pos)
    if not m:
        return None
    key = _DIRECTIVES.get(m.group(1).upper())
    if not key:
        return None
    end = m.end()
    if not m.group(2) and end < len(text) and not text[end].isspace():
        return None
    return key, text[end:].strip()


def _directive(text):
    return _directive_at(text, 0)


def _split_directive(rest):
    """Split "desc # DIRECTIVE reason" into (desc, directive, reason, note).
    The directive is the last "#" (at the start or after a blank) followed
    by a directive word ("# SKIP", "#SKIP"), so a description holding " # "
    keeps it; without one, the text after the first " # " is a note."""
    if "#" not in rest:
        return rest.strip(), None, "", ""
    marks = [m.start() for m in _MARK.finditer(rest)]
    for at in reversed(marks):
        found = _directive_at(rest, at + 1)
        if found:
            return rest[:at].strip(), found[0], found[1], ""
    for at in marks:
        nxt = rest[at + 1:at + 2]
        if not nxt or nxt.isspace():
            return rest[:at].strip(), None, "", rest[at + 1:].strip()
    return rest.strip(), None, "", ""


def _unprefix(line):
    """Strip one "# " level of the kselftest prefixer (or a bare "#")."""
    if line.startswith("# "):
        return line[2:]
    return line[1:]


def _starts_stream(text):
    """A "#"-prefixed line that can open a nested stream: what
    run_kselftest.sh's prefixer passes on first (a version or plan line,
    or a KTAP "# Subtest:" header)."""
    t = text.lstrip(" \t")
    return bool(_VERSION.match(t) or _PLAN.match(t))


class _Budget:
    """What one parse may still keep, shared by all its streams, and what
    it did not keep."""
    __slots__ = ("results", "too_deep", "text", "spent", "diag_lines",
                 "diag_chars", "names_cut")

    def __init__(self):
        self.results = MAX_RESULTS
        self.too_deep = None    # first line nested past MAX_DEPTH
        self.text = TEXT_CHARS  # characters of text it may still keep
        self.spent = False      # a piece of text did not fit
        self.diag_lines = 0     # diagnostic lines not kept
        self.diag_chars = 0     # ... and characters (of lines cut too)
        self.names_cut = 0

    def name(self, text):
        """A result's description, reason or note (a plan's or a bail
        out's reason, a subtest name), cut at NAME_CHARS characters, at
        NAME_FREE once the text is spent; the part past NAME_FREE is
        charged to the text."""
        n = len(text)
        if n <= NAME_FREE:
            return text
        limit = min(n, NAME_CHARS)
        if self.spent or limit - NAME_FREE > self.text:
            self.spent = True
            limit = NAME_FREE
        else:
            self.text -= limit - NAME_FREE
        if n <= limit:
            return text
        self.names_cut += 1
        return "%s [desctest: %d more character(s) not kept]" % (
            text[:limit], n - limit)

    def cut_line(self, text):
        """A diagnostic longer than DIAG_CHARS, cut to it."""
        n = len(text)
        self.diag_chars += n - DIAG_CHARS
        return "%s [desctest: %d more character(s) of this line not kept]" \
            % (text[:DIAG_CHARS], n - DIAG_CHARS)

    def keep(self, n):
        """Whether n more characters of text fit; they are charged."""
        if self.spent or n > self.text:
            self.spent = True
            return False
        self.text -= n
        return True


class _Lines(list):
    """Diagnostic lines waiting for their result: the last DIAG_KEEP lines
    and DIAG_CHARS characters (trimmed when they grow to twice that:
    amortised O(1) per line; _Stream adds the lines, inline); what was
    trimmed is counted."""
    __slots__ = ("chars", "cut", "cut_chars")

    def __init__(self):
        super().__init__()
        self.chars = 0
        self.cut = 0
        self.cut_chars = 0

    def trim(self, lines, chars):
        """Drop from the front down to `lines` lines and `chars`
        characters, keeping the last line whatever its length."""
        n = len(self)
        total = self.chars
        k = 0
        while k < n - 1 and (n - k > lines or total > chars):
            total -= len(self[k])
            k += 1
        if k:
            self.cut += k
            self.cut_chars += self.chars - total
            del self[:k]
            self.chars = total

    def take(self, budget, failing=False):
        """The lines for a result (a list, or _NO_DIAG): what fits in the
        parse's text, behind a line saying what was dropped; the buffer
        is emptied."""
        if not self:
            return _NO_DIAG
        self.trim(DIAG_KEEP, DIAG_CHARS)
        spent = not budget.keep(self.chars)
        if spent:
            self.cut += len(self)
            self.cut_chars += self.chars
            self.clear()
        budget.diag_lines += self.cut
        budget.diag_chars += self.cut_chars
        out = list(self) if self else _NO_DIAG
        if self.cut and out:
            mark = "[desctest: %d earlier diagnostic line(s), %d " \
                "character(s), not kept (a result keeps its last %d lines " \
                "and %d characters of them); see the raw stdout file]" % (
                    self.cut, self.cut_chars, DIAG_KEEP, DIAG_CHARS)
            budget.text -= len(mark)
            out.insert(0, mark)
        elif spent and failing:
            out = [DIAG_SPENT]
        self.clear()
        self.chars = self.cut = self.cut_chars = 0
        return out


class _Stream:
    __slots__ = ("doc", "depth", "budget", "base", "diag",
                 "ind_child", "pre_child", "announced", "late", "late_diag",
                 "count", "plain")

    def __init__(self, depth, budget):
        self.doc = Document()
        self.depth = depth
        self.budget = budget
        self.base = None          # indentation of this stream's lines
        self.diag = _Lines()      # diagnostics since the last result
        self.ind_child = None     # indented stream before the next result
        self.pre_child = None     # "# "-prefixed stream before it
        self.announced = False    # saw "# selftests: ..." lines
        self.late = None          # (result, stream) late lines go to
        self.late_diag = _Lines()
        self.count = 0            # results seen, kept or not
        self.plain = True         # no child stream, late target or
                                  # runner announcement in the way

    def _add_diag(self, text, d=None):
        """text onto the diagnostics waiting for a result (d: the late
        lines' own buffer).  The path of every diagnostic line: no call
        more than needed."""
        if d is None:
            d = self.diag
        if len(text) > DIAG_CHARS:
            text = self.budget.cut_line(text)
        d.append(text)
        d.chars += len(text)
        if len(d) >= 2 * DIAG_KEEP or d.chars > 2 * DIAG_CHARS:
            d.trim(DIAG_KEEP, DIAG_CHARS)

    def _other(self, text):
        """A stray line for doc.other_lines, while the text lasts."""
        doc = self.doc
        if len(doc.other_lines) < OTHER_KEEP:
            if len(text) > DIAG_CHARS:
                text = text[:DIAG_CHARS]
            if self.budget.keep(len(text)):
                doc.other_lines.append(text)

    def _child(self, lineno):
        """A new nested stream, or None past MAX_DEPTH."""
        if self.depth + 1 >= MAX_DEPTH:
            if self.budget.too_deep is None:
                self.budget.too_deep = lineno
            return None
        return _Stream(self.depth + 1, self.budget)

    def feed(self, lineno, line, when):
        """One right-stripped, non-empty line."""
        doc = self.doc
        if doc.bail_out is not None:
            self._other(line)
            return
        c = line[0]
        if c == " " or c == "\t":
            text = line.lstrip(" \t")
            ind = len(line) - len(text)
            base = self.base
            if base is not None and ind > base:
                child = self.ind_child
                if child is None:
                    child = self.ind_child = self._child(lineno)
                    self.plain = False
                if child is not None:
                    child.feed(lineno, line, when)
                self._add_diag(text)
                return
        else:
            text = line
            ind = 0
        c = text[0]
        if c == "#":
            self._hash_line(lineno, text, when)
            return
        if c == "o" or c == "n":
            # The common "ok N description" without a pattern; anything
            # else ("ok - x", "ok\tN", "not ok") through _RESULT.
            if text.startswith("ok "):
                num, _, rest = text[3:].partition(" ")
                if num.isdigit() and num.isascii() and (
                        not rest or not (rest[0] == "-" or
                                         rest[0].isspace())):
                    if self.base is None:
                        self.base = ind
                    if self.plain and not self.diag and "#" not in rest \
                            and len(rest) <= NAME_FREE:
                        # Nothing pending: a flat "ok N description".
                        count = self.count = self.count + 1
                        number = int(num)
                        r = Result(True, number, rest, None, "", "",
                                   _NO_DIAG, None, lineno, when)
                        if number != count:
                            doc.problems.append(_note(
                                "line %d: result numbered %d, expected %d"
                                % (lineno, number, count)))
                        budget = self.budget
                        if budget.results > 0:
                            budget.results -= 1
                            doc.results.append(r)
                        else:
                            doc.dropped["pass"] = \
                                doc.dropped.get("pass", 0) + 1
                        return
                    self._result(lineno, True, num, rest, when)
                    return
            m = _RESULT.match(text)
            if m:
                if self.base is None:
                    self.base = ind
                self._result(lineno, m.group(1) == "ok", m.group(2),
                             m.group(3), when)
                return
        elif c == "1":
            m = _PLAN.match(text)
            if m:
                if self.base is None:
                    self.base = ind
                self._plan(lineno, text, m)
                return
        elif c == "T" or c == "K":
            m = _VERSION.match(text)
            if m:
                if self.base is None:
                    self.base = ind
                if doc.version is None and not self.count:
                    doc.version = "%s %s" % (m.group(1), m.group(2))
                else:
                    doc.problems.append(_note("line %d: stray version line "
                                              "%s" % (lineno, _quote(text))))
                return
        elif c == "B" or c == "b":
            m = _BAIL.match(text)
            if m:
                doc.bail_out = self.budget.name(m.group(1))
                return
        self._other(text)
        self._add_diag(text)

    def _plan(self, lineno, text, m):
        doc = self.doc
        if doc.plan is not None:
            doc.problems.append(_note("line %d: second plan line %s"
                                      % (lineno, _quote(text))))
            return
        doc.plan = int(m.group(1))
        if m.group(2):
            found = _directive(m.group(2))
            if found:
                doc.plan_directive = found[0]
                doc.plan_reason = self.budget.name(found[1])
            else:
                doc.plan_reason = self.budget.name(m.group(2))

    def _hash_line(self, lineno, text, when):
        inner = text[2:] if text[1:2] == " " else text[1:]
        c = inner[:1]
        if c == "#" or c == "n" or (c == "o" and inner[1:2] == "k"):
            pass      # a nested result or diagnostic: the common case
        elif not inner:
            self._add_diag(inner)
            return
        elif self._special(lineno, text, inner):
            return
        elif (c == "s" and inner.startswith("selftests: ") and
              _RUNNER_ANNOUNCE.match(inner)) or (
                  (c == "t" or c == "o") and
                  inner.startswith(("timeout set to", "overriding timeout"))
                  and _RUNNER_TIMEOUT.match(inner)):
            self._flush_late()
            self.announced = True
            self.plain = False
            self._add_diag(inner)
            return
        late = self.late
        if late is not None and late[1] is not None and \
                late[1].doc.version is not None and _VERSION.match(inner):
            # A second version line cannot belong to the late target's
            # stream: the next program's stream started without an
            # announcement in between.
            self._flush_late()
            late = None
        if late is not None:
            stream = late[1]
            if stream is None and _starts_stream(inner):
                stream = self._child(lineno)
                self.late = (late[0], stream)
            if stream is not None:
                stream.feed(lineno, inner, when)
            self._add_diag(inner.lstrip(), self.late_diag)
            return
        child = self.pre_child
        if child is None and _starts_stream(inner):
            child = self.pre_child = self._child(lineno)
            self.plain = False
        if child is not None:
            child.feed(lineno, inner, when)
        self._add_diag(inner.lstrip())

    def _special(self, lineno, text, inner):
        """A "# Totals:" or "# Subtest:" line of this stream: handled."""
        doc = self.doc
        if inner.startswith("Totals:") or "Totals:" in text[:16]:
            m = _TOTALS.match(text)
            if m:
                self._totals(lineno, text, m)
                return True
        if (inner.startswith("Subtest:") or "Subtest:" in text[:16]) and \
                doc.subtest_name is None and not self.count:
            m = _SUBTEST.match(text)
            if m:
                doc.subtest_name = self.budget.name(m.group(1))
                return True
        return False

    def _totals(self, lineno, text, m):
        doc = self.doc
        totals = {k: int(v) for k, v in _TOTALS_ITEM.findall(m.group(1))}
        if doc.totals is not None:
            doc.problems.append(Problem(
                "second # Totals line (line %d): %s" % (lineno, _quote(text))))
        elif not totals:
            doc.problems.append(Problem(
                "# Totals line (line %d) holds no counts: %s; want "
                "pass:N fail:N ..." % (lineno, _quote(text))))
        else:
            doc.totals = totals

    @staticmethod
    def _close(stream):
        if stream is None:
            return None
        child = stream.finish()
        return child if child.structured else None

    def _result(self, lineno, ok, num, rest, when):
        doc = self.doc
        if self.late is not None:
            self._flush_late()
        desc = rest
        directive, reason, note = None, "", ""
        if "#" in rest:
            desc, directive, reason, note = _split_directive(rest)
        budget = self.budget
        if len(desc) > NAME_FREE:
            desc = budget.name(desc)
        if len(reason) > NAME_FREE:
            reason = budget.name(reason)
        if len(note) > NAME_FREE:
            note = budget.name(note)
        number = int(num) if num else None
        children = late_stream = None
        pre = self.pre_child
        if self.ind_child is not None or pre is not None:
            children = self._close(self.ind_child)
            self.ind_child = self.pre_child = None
            if children is None:
                if self.announced:
                    late_stream = pre     # may still get late lines
                else:
                    children = self._close(pre)
        self.count += 1
        if number is not None and number != self.count:
            doc.problems.append(_note("line %d: result numbered %d, "
                                      "expected %d"
                                      % (lineno, number, self.count)))
        diag = _NO_DIAG
        if self.diag:
            diag = self.diag.take(budget,
                                  _outcome(ok, directive) in FAILING)
        r = Result(ok, number, desc, directive, reason, note, diag,
                   children, lineno, when)
        if budget.results > 0:
            budget.results -= 1
            doc.results.append(r)
        else:
            doc.dropped[r.outcome] = doc.dropped.get(r.outcome, 0) + 1
        if self.announced:
            self.late = (r, late_stream)
            self.late_diag = _Lines()
        self.plain = not self.announced

    def _flush_late(self):
        """Lines the prefixer printed after the previous result belong to
        that result's nested stream."""
        late = self.late
        self.late = None
        if late is None:
            return
        r, stream = late
        if r.children is None:
            r.children = self._close(stream)
        late = self.late_diag
        if late:
            merged = _Lines()
            merged.extend(r.diagnostics)
            merged.chars = sum(len(d) for d in merged)
            taken = late.take(self.budget, r.outcome in FAILING)
            merged.extend(taken)
            merged.chars += sum(len(d) for d in taken)
            merged.trim(DIAG_KEEP, DIAG_CHARS)
            self.budget.diag_lines += merged.cut
            self.budget.diag_chars += merged.cut_chars
            r.diagnostics = list(merged)
            self.late_diag = _Lines()

    def finish(self):
        doc = self.doc
        self._flush_late()
        if self.ind_child is not None:
            # Indented lines with no parent result after them: a subtest
            # cut off before its parent reported.
            child = self._close(self.ind_child)
            if child is not None:
                doc.problems.append(Problem(
                    "indented subtest output at line %d has no parent "
                    "result line" % self._first_line(child)))
        self.ind_child = self.pre_child = None
        doc.diagnostics.extend(self.diag.take(self.budget))
        self._check()
        return doc

    @staticmethod
    def _first_line(child):
        for _, r in child.walk():
            return r.line
        return 0

    def _check(self):
        doc = self.doc
        n = self.count
        if isinstance(doc.problems, Problems):
            doc.problems.close()
        if self.depth == 0:
            if self.budget.too_deep is not None:
                doc.problems.append(Problem(
                    "KTAP nested deeper than %d levels (line %d); the "
                    "deeper lines are kept as diagnostics only"
                    % (MAX_DEPTH, self.budget.too_deep)))
            self._text_notes()
            dropped = self._dropped_all()
            if dropped:
                doc.problems.append(Problem(
                    "more than %d results: %d more counted but not kept "
                    "(%s); the raw stdout file has them all"
                    % (MAX_RESULTS, sum(dropped.values()), ", ".join(
                        "%s:%d" % kv for kv in sorted(dropped.items())))))
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

    def _text_notes(self):
        """Document.cut, and a note for text the parse's TEXT_CHARS could
        not keep (what a result's own caps trimmed its marker line says)."""
        b = self.budget
        doc = self.doc
        doc.cut = {k: v for k, v in (
            ("diagnostic_lines", b.diag_lines),
            ("diagnostic_chars", b.diag_chars),
            ("names_cut", b.names_cut)) if v}
        if b.spent and (b.diag_lines or b.diag_chars):
            doc.problems.append(_note(
                "diagnostics not kept: %d line(s), %d character(s) (a "
                "result keeps its last %d lines and %d characters of them; "
                "this program's output used up the %d characters of text a "
                "program keeps)" % (b.diag_lines, b.diag_chars, DIAG_KEEP,
                                    DIAG_CHARS, TEXT_CHARS)))
        if b.names_cut:
            doc.problems.append(_note(
                "%d result name(s), reason(s) or note(s) cut at %d "
                "characters (%d once this program's output used up the %d "
                "characters of text a program keeps)" % (
                    b.names_cut, NAME_CHARS, NAME_FREE, TEXT_CHARS)))

    def _dropped_all(self):
        """Dropped results of this stream and every stream under it."""
        total = {}
        stack = [self.doc]
        while stack:
            d = stack.pop()
            for o, n in d.dropped.items():
                total[o] = total.get(o, 0) + n
            stack.extend(r.children for r in d.results
                         if r.children is not None and
                         (r.children.dropped or r.children.results))
        return total


class Parser:
    """Incremental parse: feed(line, when) as lines arrive, then finish()
    for the Document. Work per line is bounded by its length times its
    nesting depth (at most MAX_DEPTH)."""

    def __init__(self):
        self.lineno = 0
        self.top = _Stream(0, _Budget())
        self.doc = None

    def feed(self, line, when=None):
        self.lineno += 1
        line = line.rstrip()
        if line:
            self.top.feed(self.lineno, line, when)

    def finish(self):
        if self.doc is None:
            self.doc = self.top.finish()
        return self.doc


def totals_counts(outcomes):
    """Counts of outcomes in "# Totals:" terms (TOTALS_KEYS): the one
    place a timeout becomes a fail."""
    c = dict.fromkeys(TOTALS_KEYS, 0)
    for o in outcomes:
        c["fail" if o == "timeout" else o] += 1
    return c


_LEAD = re.compile(r"[\s#]*")


def structural(line):
    """True for a line that shapes a KTAP stream at any nesting depth (a
    result, plan, header, Totals, Bail out!, Subtest), as opposed to a
    diagnostic or stray text."""
    text = line.strip()
    if text.startswith("#"):
        # "# # Totals:" at any depth: the last "#" before the word.
        lead = _LEAD.match(text).end()
        hashes = text.rfind("#", 0, lead)
        if hashes >= 0 and (_TOTALS.match(text, hashes) or
                            _SUBTEST.match(text, hashes)):
            return True
        text = text[lead:]
    text = text.rstrip()
    return bool(_RESULT.match(text) or _PLAN.match(text) or
                _VERSION.match(text) or _BAIL.match(text))


def parse(lines, times=None):
    """Parse an iterable of lines (str) into a Document. times, when given,
    is a parallel list of arrival times for the lines."""
    if times is not None:
        lines = list(lines)
        if len(times) != len(lines):
            raise ValueError("times must be parallel to lines")
    p = Parser()
    feed = p.top.feed
    n = 0
    if times is None:
        for n, line in enumerate(lines, 1):
            line = line.rstrip()
            if line:
                feed(n, line, None)
    else:
        for n, (line, when) in enumerate(zip(lines, times), 1):
            line = line.rstrip()
            if line:
                feed(n, line, when)
    p.lineno = n
    return p.finish()


def parse_text(text):
    return parse(text.splitlines())
