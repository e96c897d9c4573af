# SPDX-License-Identifier: GPL-2.0-only
"""bisect-report: the steps of a `git bisect run runner/bisect-run.sh`
as one table. bisect-run.sh labels every run it files "bisect:SESSION
SHORT-HASH SUBJECT" (SESSION: when that `git bisect start` began) and
writes its own verdict beside the results (bisect-verdict: "0", "1" or
"125" and why); this reads them back, oldest step first."""

import os

from . import results
from .verdict import FAILING

LABEL_PREFIX = "bisect:"
VERDICTS = {0: "good", 1: "bad", 125: "skip"}
MAX_LISTED = 6


class Step:
    def __init__(self, run_dir, data):
        session, _, rest = data["label"][len(LABEL_PREFIX):].partition(" ")
        self.session = session
        self.commit, _, self.subject = rest.partition(" ")
        self.started = data.get("started") or ""
        self.run_id = os.path.basename(run_dir)
        self.failed = [t["id"] for t in data["tests"]
                       if t["outcome"] in FAILING]
        code, why = data.get("exit_status"), ""
        try:
            with open(os.path.join(run_dir, "bisect-verdict"),
                      encoding="utf-8") as f:
                first, _, why = f.read().strip().partition(" ")
            code = int(first)
        except (OSError, ValueError):
            pass
        self.verdict = VERDICTS.get(code, "?%s" % code)
        self.why = why


def steps(root):
    """Every bisect step filed under root, oldest first."""
    found = []
    try:
        names = sorted(os.listdir(root))
    except OSError as e:
        raise ValueError("--results %s: %s; give the results directory the "
                         "bisect filed into" % (root, e.strerror)) from None
    for name in names:
        run_dir = os.path.join(root, name)
        if name == "latest" or not os.path.isfile(
                os.path.join(run_dir, "results.json")):
            continue
        try:
            data = results.load(run_dir)
        except ValueError:
            continue
        if str(data.get("label", "")).startswith(LABEL_PREFIX):
            found.append(Step(run_dir, data))
    found.sort(key=lambda s: (s.started, s.run_id))
    return found


def table(chosen):
    rows = [("commit", "verdict", "subject", "failing tests")]
    for s in chosen:
        failed = s.failed[:MAX_LISTED]
        more = len(s.failed) - len(failed)
        text = ", ".join(failed) + (" (+%d more)" % more if more else "")
        if not text and s.why:
            text = s.why
        rows.append((s.commit, s.verdict, s.subject[:50], text or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("%-*s  %-*s  %-*s  %s" % (widths[0], r[0], widths[1],
                                                r[1], widths[2], r[2], r[3])
                     for r in rows)


def main(root, session, out):
    """Print the table of one session (default: the newest); 0, or
    ValueError naming what is missing."""
    found = steps(root)
    if not found:
        raise ValueError("no bisect steps under %s (runs labelled %s...); "
                         "run git bisect run runner/bisect-run.sh first"
                         % (root, LABEL_PREFIX))
    if session == "all":
        chosen = found
    else:
        want = session or found[-1].session
        chosen = [s for s in found if s.session == want]
        if not chosen:
            raise ValueError("no bisect session %s under %s (sessions: %s)"
                             % (want, root, ", ".join(
                                 sorted({s.session for s in found}))))
    out.write("bisect session %s: %d steps\n" % (
        "all" if session == "all" else chosen[0].session, len(chosen)))
    out.write(table(chosen) + "\n")
    bad = [s for s in chosen if s.verdict == "bad"]
    if bad:
        # Each bad step narrows towards the good end: the last one found
        # bad is the first bad commit once the bisect has finished.
        out.write("last commit found bad: %s %s\n"
                  % (bad[-1].commit, bad[-1].subject))
    return 0
