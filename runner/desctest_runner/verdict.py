# SPDX-License-Identifier: GPL-2.0-only
"""From a finished program (exit status + parsed KTAP) to test cases.

Every KTAP result becomes a case named "<collection:test>::<name>", nested
ones "<parent>/<child>". One more case per program, "<collection:test>",
is the program as a whole. Which rule decides it depends on the program's
collection:

- strict (desctest's own collections, declared "COLLECTION.ktap=strict"
  in configs/settings): the program ran, exited in time without a signal,
  printed a complete KTAP stream whose "# Totals:" agrees with its
  results, and its kselftest exit code agrees with them; anything else
  fails it.
- kselftest (every other collection, upstream's programs): the exit code,
  as upstream's run_kselftest.sh reads it: 0 pass, 4 skip, anything else
  fail (a timeout is a timeout, a program that could not start an error).
  Its KTAP results are still its cases, but only as detail
  (Case.informational): they decide neither the run's exit status nor a
  regression. Whatever the strict rule would have said otherwise (no
  KTAP, a plan its results miss, "# Totals:" that disagree, "not ok" then
  exit 0...) is a warning on the program (Case.warnings), never a failure.
"""

from dataclasses import dataclass, field

from . import framework_assert, ktap

KSFT_PASS, KSFT_FAIL, KSFT_XFAIL, KSFT_XPASS, KSFT_SKIP = 0, 1, 2, 3, 4
FAILING = ktap.FAILING
DETAIL_LINES = 30
# The tail desctest's checks put on a "seen ... wanted ..." line that differs.
MISMATCH = "<-- MISMATCH"


@dataclass(slots=True)
class Case:
    id: str
    program: str
    name: str                 # "" for the whole-program case
    outcome: str              # one of ktap.OUTCOMES
    reason: str = ""
    details: list = field(default_factory=list)
    number: int | None = None
    duration_s: float | None = None
    warnings: list = field(default_factory=list)
    # A result of a kselftest-rule program: filed, shown, but the
    # program's exit code is its verdict (see exit_status, compare.py).
    informational: bool = False


def _tail(lines, n=DETAIL_LINES):
    return list(lines[-n:]) if lines else []


def program_cases(run, doc=None):
    """Cases for one ProgramRun (see execute.py)."""
    pid = run.program.id
    strict = run.program.strict
    if doc is None:
        doc = run.document()
    cases = []
    names = {}                # name -> last [N] suffix given after it
    prev = 0.0
    bad_below = set()
    _bad_subtrees(doc, bad_below)
    for path, r in doc.walk():
        if len(path) == 1 and "/" not in path[0]:
            name = path[0]
        else:
            name = "/".join(p.replace("/", "\\/") for p in path)
        if name in names:
            # "x", "x [2]", "x [3]"...: the next free number per name, so
            # a program repeating one name costs linear time.
            base = name
            k = names[base]
            while name in names:
                k += 1
                name = "%s [%d]" % (base, k)
            names[base] = k
            names[name] = 1
        else:
            names[name] = 1
        outcome = r.outcome
        details = _tail(r.diagnostics) if r.diagnostics else ()
        kids = r.children
        reason = r.reason
        if kids is not None:
            # A child stream is judged like the program's own: fatal
            # problems fail the parent, notes (numbering, no plan) are
            # only reported; so does a failing child under an "ok".
            fatal = kids.fatal()
            details = list(details) + ["nested KTAP: " + p
                                       for p in kids.problems]
            if outcome == "pass" and (fatal or id(r) in bad_below):
                outcome = "fail"
            if not reason and fatal:
                reason = "bad nested KTAP stream: " + "; ".join(fatal)
        dur = None
        if r.when is not None and len(path) == 1:
            dur = round(max(0.0, r.when - prev), 3)
            prev = r.when
        reason = reason or r.note
        if not reason and outcome == "fail":
            reason = _fail_reason(r)
            if r.ok:
                reason = "ok over failing nested tests: " + reason
        cases.append(Case(id="%s::%s" % (pid, name), program=pid, name=name,
                          outcome=outcome, reason=reason,
                          details=details, number=r.number, duration_s=dur,
                          informational=not strict))
    outcome, reason, details, warnings = program_verdict(run, doc)
    cases.append(Case(id=pid, program=pid, name="", outcome=outcome,
                      reason=reason, details=details,
                      duration_s=run.duration_s, warnings=warnings))
    return cases


def _bad_subtrees(doc, out):
    """Put in out the id() of every result with a failing result anywhere
    under it; True when doc holds a failing result at any depth."""
    any_bad = False
    for r in doc.results:
        below = r.children is not None and _bad_subtrees(r.children, out)
        if below:
            out.add(id(r))
        if below or r.outcome in FAILING:
            any_bad = True
    return any_bad


def _failing(doc):
    """(name, result) of each failing result: the top-level ones that
    fail, and those whose failure lies in their nested tests."""
    below = set()
    _bad_subtrees(doc, below)
    return [r for r in doc.results
            if r.outcome in FAILING or (r.outcome == "pass" and
                                        id(r) in below)]


def _fail_reason(r):
    """Why a "not ok" without a directive failed: its failing children,
    else the program's last words before it (kselftest programs say why
    just before "not ok"); never a line of a child's stream."""
    if r.children is not None:
        bad = [c.name for c in r.children.results if c.outcome in FAILING]
        if bad:
            return "%d nested test(s) failed: %s" % (
                len(bad), ", ".join(bad[:5]))
        return ""
    if not r.diagnostics:
        return ""
    # desctest's checks mark the value that differs; other programs say
    # why in their last words before "not ok".
    marked = [d for d in r.diagnostics if d.rstrip().endswith(MISMATCH)]
    return (marked or r.diagnostics[-1:])[0].lstrip("# ").strip()


def _output_tail(run):
    out = ["stdout (last lines):"] + ["  " + l for l in _tail(run.stdout_lines)]
    if run.stderr_text.strip():
        out += ["stderr (last lines):"] + ["  " + l for l in _tail(
            run.stderr_text.splitlines())]
    return out


def program_verdict(run, doc):
    """(outcome, reason, details, warnings) for the program as a whole,
    by its collection's rule (strict or kselftest); a kernel splat while
    it ran (console runs) makes it fail whatever it printed."""
    if run.program.strict:
        (outcome, reason, details), warnings = _own_verdict(run, doc), []
    else:
        outcome, reason, details, warnings = _kselftest_verdict(run, doc)
    if not run.kernel_splats:
        return outcome, reason, details, warnings
    line, text = run.kernel_splats[0]
    said = "the kernel reported %r (console line %d)%s while it ran" % (
        text, line, " and %d more report(s)" % (len(run.kernel_splats) - 1)
        if len(run.kernel_splats) > 1 else "")
    details = ["kernel: line %d: %s" % s for s in
               run.kernel_splats[:DETAIL_LINES]] + details
    if outcome in FAILING:
        return outcome, "%s; %s" % (reason, said), details, warnings
    return "fail", "%s (its own verdict: %s%s)" % (
        said, outcome, ", " + reason if reason else ""), details, warnings


# What upstream's run_kselftest.sh makes of an exit code (kselftest/
# runner.sh): 4 is a skip, 0 a pass, anything else "not ok # exit=N".
def _kselftest_verdict(run, doc):
    """The kselftest rule: the exit code is the verdict; what the strict
    rule says besides is a warning."""
    strict = _own_verdict(run, doc)
    if run.status != "exited":
        # Could not start, ENOEXEC i386 (skip), timeout, signal: the
        # same under both rules.
        return strict + ([],)
    rc = run.returncode
    if rc == KSFT_PASS:
        outcome, reason = "pass", "exit 0"
    elif rc == KSFT_SKIP:
        outcome, reason = "skip", "exit 4 (skip)"
    else:
        outcome, reason = "fail", "exit %d" % rc
    warnings = []
    if strict[0] == outcome and not run.leftover:
        reason = strict[1] or reason
    else:
        warnings.append("the strict KTAP rule would say %s: %s" % (
            strict[0], strict[1]))
    warnings += ["KTAP: " + p for p in doc.problems
                 if ("KTAP: " + p) not in warnings and p not in strict[1]]
    return outcome, reason, strict[2], warnings


def _own_verdict(run, doc):
    """What the program's exit and KTAP say."""
    if run.status in ("missing", "not-executable", "spawn-error",
                      "interrupted", "lost"):
        return "error", run.error, _output_tail(run) if run.stdout_lines else []
    if run.status == "unsupported":
        return "skip", run.error, []
    if run.status == "timeout":
        return "timeout", run.error, _output_tail(run)
    if run.status in ("signaled", "died"):
        return "fail", run.error, _output_tail(run)

    if run.leftover:
        return "fail", ("exited (%s) but left a process outside its "
                        "process group holding its stdout/stderr open; "
                        "the program must reap what it starts"
                        % run.returncode), _output_tail(run)
    died = framework_assert.verdict(run, doc)
    if died:
        return died[0], died[1], died[2] + _output_tail(run)
    failed = _failing(doc)
    problems = list(doc.problems)
    rc = run.returncode
    if not doc.structured:
        what = ("empty stdout" if not run.stdout_lines else
                "%d line(s) of stdout, none of them KTAP"
                % run.lines_seen())
        if rc == KSFT_SKIP:
            return "skip", "exit 4 (skip) with no KTAP output", _output_tail(run)
        return "fail", "no KTAP output (%s), exit %d" % (what, rc), \
            _output_tail(run)
    if rc == KSFT_SKIP and not doc.results and doc.bail_out is None:
        # Exit 4 with no results is a skip, even after a plan line: a
        # program that printed 1..N and then found it cannot test.
        return "skip", _skip_reason(run, doc), ["KTAP: " + p for p in
                                                 problems]
    fatal, notes = doc.fatal(), doc.notes()
    details = ["KTAP: " + p for p in problems]
    if fatal:
        return "fail", "bad KTAP stream: %s; exit %d" % (
            "; ".join(fatal), rc), details + _output_tail(run)

    if rc == KSFT_PASS:
        if failed:
            first = failed[0]
            if first.outcome == "pass":
                return "fail", "exit 0 after ok %s over failing nested " \
                    "test(s)" % first.name, details
            return "fail", "exit 0 after %s %s (%s)" % (
                "not ok" if not first.ok else "ok", first.name,
                first.outcome), details
        if doc.skipped_whole:
            return "skip", doc.plan_reason or "1..0 # SKIP", details
        return "pass", "; ".join(notes), details
    if rc == KSFT_FAIL:
        if failed:
            return "fail", "exit 1: %d test(s) failed: %s" % (
                len(failed), ", ".join(r.name for r in failed[:5])), details
        return "fail", "exit 1 but no failing result; last words: %s" % (
            _last_words(run, doc)), details + _output_tail(run)
    if failed:
        return "fail", "exit %d after %d failing result(s): %s" % (
            rc, len(failed), ", ".join(r.name for r in failed[:5])), details
    if rc == KSFT_SKIP:
        return "skip", _skip_reason(run, doc), details
    if rc == KSFT_XFAIL:
        return "xfail", _last_words(run, doc), details
    if rc == KSFT_XPASS:
        return "xpass", _last_words(run, doc), details
    return "fail", "exit %d is not a kselftest exit code (0 pass, 1 fail, "\
        "2 xfail, 3 xpass, 4 skip); last words: %s" % (
            rc, _last_words(run, doc)), details + _output_tail(run)


def _skip_reason(run, doc):
    if doc.plan_directive == "SKIP" and doc.plan_reason:
        return doc.plan_reason
    skips = [r for r in doc.results if r.outcome == "skip"]
    if skips and (skips[-1].reason or skips[-1].description):
        return skips[-1].reason or skips[-1].description
    words = _last_words(run, doc, None)
    if words is None:
        return "exit 4 (skip) after %d result(s); it printed no reason" % (
            doc.result_count())
    return words


def _last_words(run, doc, none="(no output)"):
    """The program's last diagnostic or non-KTAP line: never a result,
    plan or Totals line."""
    for lines in (doc.diagnostics, run.stdout_lines,
                  run.stderr_text.splitlines()):
        for line in reversed(lines):
            if ktap.structural(line):
                continue
            line = line.strip().lstrip("#").strip()
            if line and not line.startswith("Totals:"):
                return line
    return none


def exit_status(cases, bisect=False, interrupted=False):
    """0 good / 1 bad; with bisect 125 when nothing could be tested.
    The results of a kselftest-rule program (informational) do not count:
    its exit code, the program's own case, does."""
    outs = [c.outcome for c in cases if not c.informational]
    # An error (a program that could not run) is not "bad" under --bisect:
    # it makes the step untestable, below.
    bad = any(o in FAILING and o != "error" for o in outs)
    if bisect:
        if interrupted:
            return 125
        if bad:
            return 1
        if "error" in outs or not any(o in ("pass", "xfail") for o in outs):
            return 125
        return 0
    return 1 if bad or "error" in outs or interrupted else 0
