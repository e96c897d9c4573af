# SPDX-License-Identifier: GPL-2.0-only
"""The runs filed under a results folder, for the scripts that compare
the runs of make vm_tests (names_match.py, outcomes_match.py)."""

import json
import os
import re

RUN_ID_RE = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]+$")


def filed_runs(root, label):
    """[(run_id, results.json data)] of the runs under ROOT labelled LABEL,
    oldest first (run ids sort by time).  Only run folders count
    (results/latest points at one of them); an unreadable results.json
    is passed over."""
    found = []
    for run_id in sorted(os.listdir(root)):
        if not RUN_ID_RE.match(run_id):
            continue
        path = os.path.join(root, run_id, "results.json")
        if not os.path.isfile(path):
            continue
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            continue
        if data.get("label") == label:
            found.append((run_id, data))
    return found
