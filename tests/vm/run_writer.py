# SPDX-License-Identifier: GPL-2.0-only
"""Runs written as the runner writes results.json, for the tests of
names_match.py and outcomes_match.py."""

import json


def write_results(root, run_id, label, programs, complete=True):
    """ROOT/RUN_ID/results.json; programs: {id: [(name, outcome)]}, the
    program's own verdict under the name ""."""
    tests = []
    for pid, results in programs.items():
        tests += [{"id": "%s::%s" % (pid, n) if n else pid, "program": pid,
                   "name": n, "outcome": o} for n, o in results]
    data = {"run_id": run_id, "label": label, "complete": complete,
            "programs": [{"id": pid, "collection": pid.split(":")[0]}
                         for pid in programs],
            "tests": tests}
    d = root / run_id
    d.mkdir()
    (d / "results.json").write_text(json.dumps(data))
