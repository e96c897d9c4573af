#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""outcomes_match.py: two boots of one kernel give the same results.

    outcomes_match.py --results DIR --label LABEL --since STAMP

The complete runs under DIR labelled LABEL whose run id (a UTC time,
YYYYmmddTHHMMSSZ-xxxxxx) is not older than STAMP (YYYYmmddTHHMMSSZ): make
vm_tests boots one kernel twice and files both boots under one label, and
takes STAMP before the first.  Every program's set of (result name,
outcome) pairs must be the same in every run as in the first, the
program's own verdict (the result without a name) included: a result
whose name or outcome follows the boot's dice (a randomized address, the
CPU a task ran on, a seed, a race) shows here as a difference.

Exit 0 when all match; 1 with one line per difference; 2 on bad input
(fewer than two such runs).
"""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from filed_runs import filed_runs  # noqa: E402

STAMP_RE = re.compile(r"^\d{8}T\d{6}Z$")
WHOLE = "(the program's own verdict)"


def runs_since(root, label, since):
    """[(run_id, data)] of the complete runs labelled LABEL with run id >=
    SINCE, oldest first; and the ids of the incomplete ones."""
    found, incomplete = [], []
    for run_id, data in filed_runs(root, label):
        if run_id < since:
            continue
        if data.get("complete"):
            found.append((run_id, data))
        else:
            incomplete.append(run_id)
    return found, incomplete


def outcomes_by_program(data):
    """{program id: {result name: set of outcomes}}, every program of the
    run (one that printed nothing has an empty table)."""
    out = {p["id"]: {} for p in data.get("programs", [])}
    for t in data.get("tests", []):
        prog = t.get("program")
        if prog is None:
            continue
        out.setdefault(prog, {}).setdefault(t.get("name") or "", set()).add(
            t.get("outcome"))
    return out


def _shown(name):
    return WHOLE if name == "" else repr(name)


def _outs(outs):
    return ",".join(sorted(str(o) for o in outs))


def compare(first, other, first_tag, other_tag):
    """Lines naming every (program, result) whose outcome differs between
    the two runs' tables or which is in one of them only."""
    problems = []
    for prog in sorted(set(first) | set(other)):
        if prog not in other:
            problems.append("%s: run in %s only" % (prog, first_tag))
            continue
        if prog not in first:
            problems.append("%s: run in %s only" % (prog, other_tag))
            continue
        a, b = first[prog], other[prog]
        for name in sorted(set(a) | set(b)):
            if name not in b:
                problems.append("%s: %s (%s) in %s only" % (
                    prog, _shown(name), _outs(a[name]), first_tag))
            elif name not in a:
                problems.append("%s: %s (%s) in %s only" % (
                    prog, _shown(name), _outs(b[name]), other_tag))
            elif a[name] != b[name]:
                problems.append("%s: %s: %s in %s, %s in %s" % (
                    prog, _shown(name), _outs(a[name]), first_tag,
                    _outs(b[name]), other_tag))
    return problems


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--results", required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--since", required=True)
    a = ap.parse_args(argv)
    if not STAMP_RE.match(a.since):
        print("outcomes_match: --since %r is not a UTC time "
              "YYYYmmddTHHMMSSZ (date -u +%%Y%%m%%dT%%H%%M%%SZ)" % a.since,
              file=sys.stderr)
        return 2
    if not os.path.isdir(a.results):
        print("outcomes_match: --results %s is not a directory" % a.results,
              file=sys.stderr)
        return 2
    runs, incomplete = runs_since(a.results, a.label, a.since)
    if len(runs) < 2:
        print("outcomes_match: %d complete run(s) labelled %s under %s since "
              "%s%s; two boots of the kernel are needed: run make vm_tests"
              % (len(runs), a.label, a.results, a.since,
                 " (incomplete: %s)" % ", ".join(incomplete)
                 if incomplete else ""), file=sys.stderr)
        return 2
    tags = ["boot %d (%s)" % (i + 1, rid) for i, (rid, _) in enumerate(runs)]
    tables = [outcomes_by_program(d) for _, d in runs]
    problems = []
    for tag, table in zip(tags[1:], tables[1:]):
        problems += compare(tables[0], table, tags[0], tag)
    if problems:
        print("outcomes_match: results differ between %d boots of %s:"
              % (len(runs), a.label))
        for p in problems[:200]:
            print("  " + p)
        if len(problems) > 200:
            print("  ... %d more" % (len(problems) - 200))
        return 1
    total = sum(len(t) for t in tables[0].values())
    print("outcomes_match: %d results of %d programs identical in %d boots "
          "of %s: %s" % (total, len(tables[0]), len(runs), a.label,
                         ", ".join(rid for rid, _ in runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
