# SPDX-License-Identifier: GPL-2.0-only
"""validate: the report (report.md, printed as it is on the terminal)
and the exit status."""

import collections
import subprocess

from . import results
from . import validate_checks

OUTCOMES = ("pass", "fail", "xfail", "xpass", "skip", "timeout", "error")
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
        p = subprocess.run(["git", "config", "--get", key],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           text=True)
        vals.append(p.stdout.strip())
    if all(vals):
        return "%s <%s>" % tuple(vals)
    return "Your Name <you@example.org>"


def _machine(v):
    lines, qemu = [], []
    for (side, where), path in sorted(v.runs.items()):
        if side != "after":
            continue
        m = results.load(path).get("machine") or {}
        if where == "host":
            lines.append("- here: kernel %s, CPU %s, KVM %s" % (
                m.get("kernel") or "?", m.get("cpu") or "?",
                m.get("kvm") or "none (no usable /dev/kvm)"))
        else:
            qemu.append(m.get("kernel") or "?")
            lines.append("- %s: kernel %s, KVM %s" % (
                WHERE[where], m.get("kernel") or "?", m.get("kvm") or "?"))
    return lines, qemu


def render(v, top):
    """(report text, exit status)."""
    out = []
    regressions = [(w, r) for w, rows in v.rows.items() for r in rows
                   if r[0] == "regression"]
    fixed = [(w, r) for w, rows in v.rows.items() for r in rows
             if r[0] == "fixed"]
    other = [(w, r) for w, rows in v.rows.items() for r in rows
             if r[0] not in ("regression", "fixed")]
    errors = sum(len(c.errors) for c in v.checks.values())
    after_broken = v.side_error.get("after")
    failed = bool(regressions or errors or after_broken)
    status = 1 if failed else 0
    why = []
    if after_broken:
        why.append("the patched tree could not be tested: %s" % after_broken)
    if regressions:
        why.append("%d regression(s)" % len(regressions))
    if errors:
        why.append("%d checkpatch error(s)" % errors)

    out.append("# desctest validate: %d patch(es) on %s" % (
        len(v.patches), v.desc))
    out.append("")
    out.append("Verdict: %s (exit %d)%s" % (
        "FAIL" if failed else "PASS", status,
        ": " + "; ".join(why) if why else
        ": no regressions, checkpatch clean"))
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
        out.append("- Signed-off-by: %s" % ("; ".join(c.signed_off) or
                                            "MISSING (add one: git commit "
                                            "-s, or format-patch -s)"))
        if c.prefix_wanted:
            ok = validate_checks.prefix_ok(c)
            out.append("- subject prefix: \"%s\" %s \"%s\" (from %s)" % (
                c.prefix_seen or "-", "matches" if ok else
                "differs from what the subsystem uses:", c.prefix_wanted,
                c.prefix_source))
        if c.fixes_given:
            out.append("- Fixes: given: %s" % "; ".join(c.fixes_given))
        if c.fixes_suggested:
            out.append("- Fixes: suggested (git log -S on the removed "
                       "lines):")
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
    for title, items in (("Fixed (failing before, passing after)", fixed),
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
    mlines, qemu = _machine(v)
    out.extend(mlines)
    out.append("- before: %s" % v.desc)
    out.append("- runs: %s/runs/ (compare any two with ./desctest compare)"
               % v.resdir)
    out.append("")

    out.append("## For the cover letter")
    out.append("")
    first = v.runs.get(("before", "host")) or next(iter(v.runs.values()),
                                                   None)
    mach = (results.load(first).get("machine") or {}) if first else {}
    where = ["%s (%s)" % (mach.get("cpu") or "?", mach.get("kernel") or "?")]
    if qemu:
        where.append("Debian kernel%s %s under QEMU with nested KVM" % (
            "s" if len(qemu) > 1 else "", ", ".join(qemu)))
    fixed_names = sorted({tid for _, (_, tid, *_r) in fixed})
    n_tests = sum(_counts(p)[0] for (s, _w), p in v.runs.items()
                  if s == "after")
    out.append("```")
    out.append("Tested with desctest on %s: %d tests before and after; "
               "fixes: %s; %s." % (
                   " and ".join(where), n_tests,
                   ", ".join(fixed_names) if fixed_names else "none",
                   "no regressions" if not regressions else
                   "%d regression(s)" % len(regressions)))
    if not failed:
        out.append("")
        out.append("Tested-by: %s" % _tester())
    out.append("```")
    if failed:
        out.append("")
        out.append("No Tested-by: line is offered: %s." % "; ".join(why))
    return "\n".join(out) + "\n", status
