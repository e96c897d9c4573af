# SPDX-License-Identifier: GPL-2.0-only
"""compare A B: what changed between two runs, as a table.

compare_runs(a, b) gives the same as data (a Comparison); validate reads
its before and after runs through it too, so the two commands share every
rule:

- a test is the same test in both runs when its id is the same, or else,
  when either side is skip, xfail or xpass, when it has the same program,
  parent and KTAP number (kselftest names such a result after its
  reason);
- regression: a good or skipped outcome became a failing one (fail,
  timeout, error, xpass), or a test that is only in B fails;
- fixed: a failing or xfail outcome became pass, or a failing one xfail;
- newly skipped, changed: any other change of outcome;
- appeared: a test only in B that does not fail; disappeared: a test (or a
  whole program) only in A, which makes B worse unless removals are
  allowed;
- a result of a program judged by its exit code (the kselftest rule, see
  verdict.py) is detail: its changes are "changed", never a regression,
  fix or disappearance; the program's own case carries the verdict, and
  its warnings are listed after the table;
- two runs that share no test cannot be compared (NothingInCommon)."""

import re
import sys
from dataclasses import dataclass, field

from . import results
from .verdict import FAILING

GOOD = ("pass", "xfail")
ORDER = ("regression", "fixed", "newly skipped", "changed", "appeared",
         "disappeared")
# What each category means, in words, for reports that list them
# (validate's report): the words of change() below, so that a heading
# never promises less or more than the rule.
TITLES = {
    "fixed": "Fixed (fail, timeout, error, xpass or xfail before; pass "
             "after, or xfail after a failing outcome)",
}


def change(before, after):
    """The category of one test's outcome going from before to after (None
    when it did not change); "-" is a test missing from that run."""
    if before == after:
        return None
    if before == "-":
        return "regression" if after in FAILING else "appeared"
    if after == "-":
        return "disappeared"
    if after in FAILING and before not in FAILING:
        return "regression"
    if before in FAILING + ("xfail",) and after in GOOD:
        return "fixed"
    return "newly skipped" if after == "skip" else "changed"


def _parent(name):
    """The parent path of a nested test name ("a/b/c" -> "a/b"); "/"
    inside a name is written "\\/" (see verdict.py)."""
    parts = re.split(r"(?<!\\)/", name)
    return "/".join(parts[:-1])


def _num_key(t):
    """A test by program, parent and number: kselftest renames a skipped
    result after its reason, the number stays."""
    return (t["program"], _parent(t["name"]), t.get("number"))


def _by_id(data):
    return {t["id"]: t for t in data["tests"]}


class NothingInCommon(ValueError):
    """A and B share no test: comparing them would say nothing."""


@dataclass
class Comparison:
    """What changed from run A to run B. Each list holds rows
    (category, id, outcome in A, outcome in B, reason in B), sorted by id;
    "-" stands for a test missing from that run."""
    rows: list                      # every change, in table order
    common: int                     # tests found in both runs
    allow_removed: bool = False
    regressions: list = field(default_factory=list)
    fixes: list = field(default_factory=list)
    appeared: list = field(default_factory=list)
    disappeared: list = field(default_factory=list)
    other: list = field(default_factory=list)   # newly skipped, changed

    @property
    def bad(self):
        """The rows that make B worse than A: regressions, and tests that
        vanished unless removals are allowed."""
        return self.regressions + ([] if self.allow_removed
                                   else self.disappeared)

    @property
    def exit_status(self):
        return 1 if self.bad else 0


def compare_runs(a, b, allow_removed=False):
    """Compare two loaded results.json documents (results.load); raises
    NothingInCommon when they share no test."""
    rows, common = _classify(a, b)
    if not common:
        raise NothingInCommon(
            "the runs share no test (A has %d, B has %d): nothing to "
            "compare; pass two runs of the same programs"
            % (len(a["tests"]), len(b["tests"])))
    c = Comparison(rows=rows, common=common, allow_removed=allow_removed)
    where = {"regression": c.regressions, "fixed": c.fixes,
             "appeared": c.appeared, "disappeared": c.disappeared}
    for r in rows:
        where.get(r[0], c.other).append(r)
    return c


def classify(a, b):
    """Rows (category, id, outcome in A, outcome in B, reason in B)."""
    return _classify(a, b)[0]


def _classify(a, b):
    """(rows, number of tests in both runs)."""
    a_id, b_id = _by_id(a), _by_id(b)
    pairs, only_a, only_b = [], dict(a_id), {}
    for tid, tb in b_id.items():
        ta = only_a.pop(tid, None)
        if ta is None:
            only_b[tid] = tb
        else:
            pairs.append((ta, tb))
    # kselftest names a skipped or xfail result by its reason ("ok 3 #
    # SKIP why"): what is left of those is matched by program, parent and
    # number.  Any other new name is another test (test names are
    # identities; values belong in diagnostics).
    a_num = {_num_key(t): t for t in only_a.values()
             if t.get("number") is not None and t.get("name")}
    for tid, tb in list(only_b.items()):
        if tb.get("number") is None or not tb.get("name"):
            continue
        ta = a_num.get(_num_key(tb))
        if ta is not None and {"skip", "xfail", "xpass"} & {
                tb["outcome"], ta["outcome"]}:
            del a_num[_num_key(tb)]
            del only_a[ta["id"]]
            del only_b[tid]
            pairs.append((ta, tb))
    rows = []
    ks = results.kselftest_programs(a) | results.kselftest_programs(b)

    def cat_of(before, after, t):
        cat = change(before, after)
        if cat in ("regression", "fixed", "disappeared", "appeared") and \
                results.is_detail(t, ks):
            return "changed"
        return cat
    for ta, tb in pairs:
        cat = cat_of(ta["outcome"], tb["outcome"], tb)
        if cat:
            rows.append((cat, tb["id"], ta["outcome"], tb["outcome"],
                         tb.get("reason") or ""))
    for tb in only_b.values():
        rows.append((cat_of("-", tb["outcome"], tb), tb["id"], "-",
                     tb["outcome"], tb.get("reason") or ""))
    for ta in only_a.values():
        rows.append((cat_of(ta["outcome"], "-", ta), ta["id"], ta["outcome"],
                     "-", ""))
    rows.sort(key=lambda r: (ORDER.index(r[0]), r[1]))
    return rows, len(pairs)


def table(rows):
    head = ("change", "test", "A", "B", "reason (B)")
    widths = [max([len(head[i])] + [len(r[i]) for r in rows])
              for i in range(4)]
    out = []
    fmt = "  ".join("%%-%ds" % w for w in widths) + "  %s"
    out.append(fmt % head)
    out.append(fmt % tuple("-" * w for w in widths + [10]))
    for r in rows:
        out.append((fmt % r).rstrip())
    return "\n".join(out)


def main(path_a, path_b, out, warn=None, allow_removed=False):
    """The compare command: the table on out, the exit status back
    (0 no regression, 1 regressions or vanished tests); ValueError for
    unreadable runs and runs with nothing in common."""
    a = results.load(path_a)
    b = results.load(path_b)
    c = compare_runs(a, b, allow_removed)
    rows = c.rows
    ma, mb = (d.get("machine") if isinstance(d.get("machine"), dict)
              else {} for d in (a, b))
    for tag, d, m in (("A", a, ma), ("B", b, mb)):
        print("%s: %s  kernel %s  KSRC %s" % (
            tag, d.get("run_id") or "-", m.get("kernel") or "-",
            m.get("ksrc_version") or "-"), file=out)
    for tag, d, path in (("A", a, path_a), ("B", b, path_b)):
        why = [w for w, on in (("was interrupted", d.get("interrupted")),
                               ("is incomplete", d.get("complete") is False))
               if on]
        if why:
            print("desctest: warning: run %s (%s) %s; its missing tests show "
                  "as disappeared or appeared" % (tag, path, " and ".join(why)),
                  file=warn or sys.stderr)
    if not rows:
        print("no differences in %d test(s)" % len(b["tests"]), file=out)
    else:
        print(table(rows), file=out)
    old = set(results.warnings_of(a))
    for pid, w in results.warnings_of(b):
        print("warning (B%s): %s: %s" % (
            "" if (pid, w) in old else ", new", pid, " ".join(w.split())),
            file=out)
    gone = len(c.disappeared)
    print("%d regression(s), %d fixed, %d disappeared%s, %d other "
          "change(s)" % (
              len(c.regressions), len(c.fixes), gone,
              "" if not gone else " (allowed by --allow-removed)"
              if allow_removed else " (a regression; --allow-removed "
              "accepts it)", len(c.appeared) + len(c.other)), file=out)
    return c.exit_status
