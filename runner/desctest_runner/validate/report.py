# SPDX-License-Identifier: GPL-2.0-only
"""validate: the report (report.md, printed as it is on the terminal)
and the exit status."""

import collections

from .. import compare, proc, results
from ..ktap import OUTCOMES
from . import checks as vchecks

WHERE = {"host": "here", "vm": "Debian kernel under QEMU",
         "kernel": "own kernel under QEMU"}


def _counts(path):
    data = results.load(path)
    c = collections.Counter(t["outcome"] for t in data["tests"])
    text = ", ".join("%d %s" % (c[o], o) for o in OUTCOMES if c[o])
    return len(data["tests"]), text or "no tests", data


def _tester():
    vals = []
    for key in ("user.name", "user.email"):
        vals.append(proc.run(["git", "config", "--get", key]).out.strip())
    if all(vals):
        return "%s <%s>" % tuple(vals)
    return "Your Name <you@example.org>"


def _machine(v):
    """The Machine section's lines, and the cover letter's words for where
    the suite ran."""
    lines, where = [], []
    for (side, mode), path in sorted(v.runs.items()):
        if side != "after":
            continue
        m = results.load(path).get("machine") or {}
        if mode == "host":
            lines.append("- here: kernel %s, CPU %s, KVM %s" % (
                m.get("kernel") or "?", m.get("cpu") or "?",
                m.get("kvm") or "none (no usable /dev/kvm)"))
            where.insert(0, "%s (%s)" % (m.get("cpu") or "?",
                                         m.get("kernel") or "?"))
        elif mode == "vm":
            lines.append("- %s: kernel %s, KVM %s" % (
                WHERE[mode], m.get("kernel") or "?", m.get("kvm") or "?"))
            where.append("Debian kernel %s under QEMU with nested KVM (%s)"
                         % (m.get("kernel") or "?", m.get("kvm") or "?"))
        else:
            lines.append("- %s: the tree's own kernel %s, KVM %s" % (
                WHERE[mode], m.get("kernel") or "?", m.get("kvm") or "?"))
            where.append("the tree's own kernel %s, built before and after "
                         "the patches, under QEMU TCG" % (
                             m.get("kernel") or "?"))
    for side in ("before", "after"):
        k = v.kernels.get(side)
        if k:
            lines.append("- %s kernel booted: %s, bzImage sha256 %s" % (
                side, k["uts_version"] or "?", k["sha256"]))
    return lines, where


def decide(v):
    """(verdict word, exit status, reasons).  FAIL: the patches make
    something worse (a regression, a checkpatch error, an after side that
    does not build or run).  NOT TESTED: nothing wrong was seen, but too
    little ran to say so (a side that tested nothing, runs without a test
    in common, checkpatch that did not run to its end, a kernel patch
    whose after kernel is the before kernel).  PASS only without either."""
    regressions = [r for rows in v.rows.values() for r in rows
                   if r[0] == "regression"]
    errors = sum(len(c.errors) for c in v.checks.values())
    bad, gaps = [], list(v.gaps)
    if v.side_error.get("after"):
        bad.append("the patched tree could not be tested: %s" %
                   v.side_error["after"])
    if regressions:
        bad.append("%d regression(s)" % len(regressions))
    if errors:
        bad.append("%d checkpatch error(s)" % errors)
    for name, c in v.checks.items():
        if not c.checkpatch_ran:
            gaps.append("checkpatch.pl --strict on %s %s" % (
                name, c.checkpatch_note))
    if bad:
        return "FAIL", 1, bad + gaps
    if gaps:
        return "NOT TESTED", 1, gaps
    return "PASS", 0, []


def render(v, top):
    """(report text, exit status)."""
    out = []
    regressions = [(w, r) for w, rows in v.rows.items() for r in rows
                   if r[0] == "regression"]
    fixed = [(w, r) for w, rows in v.rows.items() for r in rows
             if r[0] == "fixed"]
    other = [(w, r) for w, rows in v.rows.items() for r in rows
             if r[0] not in ("regression", "fixed")]
    word, status, why = decide(v)
    after_broken = v.side_error.get("after")

    out.append("# desctest validate: %d patch(es) on %s" % (
        len(v.patches), v.desc))
    out.append("")
    out.append("Verdict: %s (exit %d)%s" % (
        word, status, ": " + "; ".join(why) if why else
        ": no regressions, checkpatch clean"))
    out.append("")
    for n in v.notes:
        out.append("Note: %s." % n)
        out.append("")
    out.append("## Patches")
    for i, p in enumerate(v.patches, 1):
        c = v.checks[p.name]
        out.append("")
        out.append("### %d. %s" % (i, p.subject or "(no subject: a plain "
                                    "diff, not a mail)"))
        out.append("")
        out.append("- file: %s, applied with %s" % (
            p.name, v.apply_tool.get(p.name, "?")))
        out.append("- touches: %s" % ", ".join(p.files))
        if not c.checkpatch_ran:
            out.append("- checkpatch.pl --strict: %s" % c.checkpatch_note)
            for f in c.errors + c.warnings:
                out.append("    %s: %s" % (f.level, f.text))
        elif not c.findings:
            out.append("- checkpatch.pl --strict: clean (%s)" %
                       c.checkpatch_summary)
        else:
            out.append("- checkpatch.pl --strict: %d error(s), %d "
                       "warning(s)/check(s) (%s)" % (
                           len(c.errors), len(c.warnings),
                           c.checkpatch_summary))
            for f in c.errors + c.warnings:
                out.append("    %s: %s" % (f.level, f.text))
                if f.where:
                    out.append("      %s" % f.where)
                for q in f.quote.splitlines():
                    out.append("      %s" % q)
        if c.scan_ran and not c.scan_findings:
            out.append("- desctest scan (promotion sign-extension) of the "
                       "added lines: clean (%d file(s))" % c.scan_files)
        elif c.scan_ran:
            out.append("- desctest scan (promotion sign-extension) of the "
                       "added lines: %d warning(s), listed as checkpatch "
                       "lists its own; they do not fail the validation by "
                       "themselves" % len(c.scan_findings))
            for f in c.scan_findings:
                out.append("    %s: %s: %s" % (f.level, f.kind, f.text))
                out.append("      %s" % f.where)
                out.append("      %s" % f.quote)
        elif c.scan_note:
            out.append("- desctest scan (promotion sign-extension): %s" %
                       c.scan_note)
        out.append("- Signed-off-by: %s" % ("; ".join(c.signed_off) or
                                            "MISSING (add one: git commit "
                                            "-s, or format-patch -s)"))
        if c.prefix_wanted:
            ok = vchecks.prefix_ok(c)
            out.append("- subject prefix: \"%s\" %s \"%s\" (from %s)" % (
                c.prefix_seen or "-", "matches" if ok else
                "differs from what the subsystem uses:", c.prefix_wanted,
                c.prefix_source))
        elif c.prefix_note:
            out.append("- subject prefix: \"%s\" %s" % (
                c.prefix_seen or "-", c.prefix_note))
        if c.fixes_given:
            out.append("- Fixes: given: %s" % "; ".join(c.fixes_given))
        if c.fixes_suggested:
            out.append("- Fixes: suggested (git blame of the removed lines "
                       "on the base, the newest commit):")
            out.extend("    %s" % s for s in c.fixes_suggested)
        elif c.fixes_note and not c.fixes_given:
            out.append("- %s" % c.fixes_note)
        if c.recipients:
            out.append("- To/Cc (scripts/get_maintainer.pl):")
            out.extend("    %s" % r for r in c.recipients)
        else:
            out.append("- To/Cc: %s" % (c.maintainer_note or
                                        "get_maintainer.pl named nobody"))

    out.append("")
    out.append("## Before and after")
    out.append("")
    out.append("| where | before | after |")
    out.append("|---|---|---|")
    for where in v.modes:
        b = v.runs.get(("before", where))
        a = v.runs.get(("after", where))
        if not b:
            continue
        nb, tb, _ = _counts(b)
        na, ta, _ = (_counts(a) if a else (0, "not run", None))
        out.append("| %s | %d tests: %s | %d tests: %s |" % (
            WHERE[where], nb, tb, na, ta))
    out.append("")
    for title, items in ((compare.TITLES["fixed"], fixed),
                         ("Regressions", regressions),
                         ("Other changes", other)):
        out.append("### %s" % title)
        out.append("")
        if not items:
            out.append("none")
        for w, (cat, tid, ob, oa, reason) in items:
            out.append("- %s: %s: %s -> %s%s%s" % (
                WHERE[w], tid, ob, oa,
                " (%s)" % cat if title == "Other changes" else "",
                ": " + reason if reason and oa != "pass" else ""))
        out.append("")
    if after_broken:
        out.append("The patched tree: %s" % after_broken)
        out.append("")

    out.append("## Machine")
    out.append("")
    mlines, where = _machine(v)
    out.extend(mlines)
    out.append("- before: %s" % v.desc)
    out.append("- runs: %s/runs/ (compare any two with ./desctest compare)"
               % v.resdir)
    out.append("")

    out.append("## For the cover letter")
    out.append("")
    fixed_names = sorted({tid for _, (_, tid, *_r) in fixed})
    counts = [sum(_counts(p)[0] for (s, _w), p in v.runs.items()
                  if s == side) for side in ("before", "after")]
    out.append("```")
    out.append("Tested with desctest on %s: %d tests before, %d after; "
               "fixes: %s; %s." % (
                   " and ".join(where) or "nothing", counts[0], counts[1],
                   ", ".join(fixed_names) if fixed_names else "none",
                   "no regressions" if not regressions else
                   "%d regression(s)" % len(regressions)))
    if status == 0:
        out.append("")
        out.append("Tested-by: %s" % _tester())
    out.append("```")
    if status:
        out.append("")
        out.append("No Tested-by: line is offered: %s." % "; ".join(why))
    return "\n".join(out) + "\n", status
