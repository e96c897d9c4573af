#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""names_match.py: the programs print the same result names on every
framework.

    names_match.py --results DIR SIDE SIDE...

A SIDE is LABEL or LABEL,LABEL...: the newest complete run under DIR of
each label, taken together (a program in more than one of them counts from
the first).  make vm_tests compares one side per kernel series:
vm-<release>, the boot of that kernel with programs built on that series'
KVM selftests framework and harness, plus differential-<series>, the host
run of that build's differential, which the boots leave out (VM_EXCLUDE).
Every program of the collections kvm, kvm_oracle, module, host and
differential that any side ran must be in every side, must have printed
named results there (a program skipped as a whole proves nothing), and
must print the same set of names in all of them: a result's name is its
identity for `desctest compare`, bisect verdicts and JUnit history, so
values belong in "#" lines, not in names.  The host programs' names come
from the tree's kselftest harness on 6.12 and from desctest's own
compatibility code (include/desctest/harness.h) on 6.1.  A collection
that no side ran (VM_ONLY) is named in a line of its own, not compared.

Exit 0 when all match; 1 with one line per difference; 2 on bad input.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from filed_runs import filed_runs  # noqa: E402

COLLECTIONS = ("kvm", "kvm_oracle", "module", "host", "differential")


def newest_run(root, label):
    """results.json of the newest complete run labelled LABEL, or None."""
    complete = [d for _, d in filed_runs(root, label) if d.get("complete")]
    return complete[-1] if complete else None


def merged(datas):
    """One run made of several: programs and results of each, a program
    in more than one counted from the first that has it."""
    programs, tests, seen = [], [], set()
    for data in datas:
        mine = {p["id"] for p in data.get("programs", [])} - seen
        programs += [p for p in data.get("programs", []) if p["id"] in mine]
        tests += [t for t in data.get("tests", []) if t.get("program") in mine]
        seen |= mine
    return {"run_id": ",".join(d["run_id"] for d in datas),
            "programs": programs, "tests": tests}


def names_by_program(data):
    """{program id: set of result names} for the compared collections."""
    out = {}
    for p in data.get("programs", []):
        if p.get("collection") in COLLECTIONS:
            out[p["id"]] = set()
    for t in data.get("tests", []):
        if t.get("program") in out and t.get("name"):
            out[t["program"]].add(t["name"])
    return out


def skipped_everywhere(runs, allowed):
    """The programs of ALLOWED that printed no named result in any run:
    they cannot run where these runs ran (said, not compared)."""
    tables = [names_by_program(data) for _, data in runs]
    return [p for p in allowed
            if all(p in t and not t[p] for t in tables)]


def compare(runs, skipped=()):
    """runs: [(label, data)].  Lines naming every difference; the
    programs of SKIPPED are left out."""
    problems = []
    tables = [(label, names_by_program(data)) for label, data in runs]
    programs = sorted(set().union(*(set(t) for _, t in tables))
                      - set(skipped))
    if not programs:
        return ["no program of the collections %s in any run"
                % ", ".join(COLLECTIONS)]
    for prog in programs:
        have = [(label, t[prog]) for label, t in tables if prog in t]
        for label, t in tables:
            if prog not in t:
                problems.append("%s: not run in %s" % (prog, label))
            elif not t[prog]:
                problems.append("%s: no named results in %s (skipped as a "
                                "whole?): nothing to compare" % (prog, label))
        if len(have) < 2:
            continue
        first_label, first = have[0]
        for label, names in have[1:]:
            for n in sorted(names - first):
                problems.append("%s: %r in %s, not in %s" % (
                    prog, n, label, first_label))
            for n in sorted(first - names):
                problems.append("%s: %r in %s, not in %s" % (
                    prog, n, first_label, label))
    return problems


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--results", required=True)
    ap.add_argument("--skipped-everywhere", action="append", default=[],
                    metavar="PROGRAM",
                    help="a program (collection:test) that may skip as a "
                    "whole in every run, where these runs cannot run it; "
                    "it is named and not compared")
    ap.add_argument("labels", nargs="+", metavar="SIDE")
    a = ap.parse_args(argv)
    if len(a.labels) < 2:
        print("names_match: give at least two sides to compare",
              file=sys.stderr)
        return 2
    if not os.path.isdir(a.results):
        print("names_match: --results %s is not a directory" % a.results,
              file=sys.stderr)
        return 2
    runs = []
    for side in a.labels:
        datas = []
        for label in side.split(","):
            data = newest_run(a.results, label)
            if data is None:
                print("names_match: no complete run labelled %s under %s; run "
                      "make vm_tests first" % (label, a.results),
                      file=sys.stderr)
                return 2
            datas.append(data)
        runs.append((side, merged(datas)))
    ran = {p.get("collection") for _, d in runs for p in d["programs"]}
    absent = [c for c in COLLECTIONS if c not in ran]
    if absent and len(absent) < len(COLLECTIONS):
        print("names_match: %s: no program in any run, not compared"
              % ", ".join(absent))
    skipped = skipped_everywhere(runs, a.skipped_everywhere)
    for prog in skipped:
        print("names_match: %s: skipped as a whole in every run "
              "(--skipped-everywhere), not compared" % prog)
    problems = compare(runs, skipped)
    what = " vs ".join("%s (%s)" % (l, d["run_id"]) for l, d in runs)
    if problems:
        print("names_match: result names differ between %s:" % what)
        for p in problems[:200]:
            print("  " + p)
        if len(problems) > 200:
            print("  ... %d more" % (len(problems) - 200))
        return 1
    compared = {p: n for p, n in names_by_program(runs[0][1]).items()
                if p not in skipped}
    total = sum(len(n) for n in compared.values())
    print("names_match: %d result names of %d programs (%s) identical in %s"
          % (total, len(compared), ", ".join(COLLECTIONS), what))
    return 0


if __name__ == "__main__":
    sys.exit(main())
