# SPDX-License-Identifier: GPL-2.0-only
"""The comparison's rules, which compare and validate share
(compare.change): xfail -> pass is fixed, a test that is new and fails is
a regression."""

import json

import pytest

from desctest_runner import compare


@pytest.mark.parametrize("before,after,category", [
    ("pass", "pass", None),
    ("pass", "fail", "regression"),
    ("xfail", "xpass", "regression"),
    ("skip", "timeout", "regression"),
    ("fail", "pass", "fixed"),
    ("xfail", "pass", "fixed"),
    ("fail", "xfail", "fixed"),
    ("pass", "skip", "newly skipped"),
    ("fail", "error", "changed"),
    ("pass", "xfail", "changed"),
    ("-", "pass", "appeared"),
    ("-", "skip", "appeared"),
    ("-", "fail", "regression"),
    ("-", "error", "regression"),
    ("pass", "-", "disappeared"),
])
def test_change(before, after, category):
    assert compare.change(before, after) == category


def _run(tmp_path, name, tests):
    d = tmp_path / name
    d.mkdir()
    (d / "results.json").write_text(json.dumps({"run_id": name, "tests": [
        {"id": tid, "program": tid.split("::")[0],
         "name": tid.partition("::")[2], "number": None, "outcome": o}
        for tid, o in tests]}))
    return d


def test_compare_command_uses_the_shared_rules(cli, tmp_path):
    a = _run(tmp_path, "a", [("p:a", "xfail"), ("p:b", "pass")])
    b = _run(tmp_path, "b", [("p:a", "pass"), ("p:b", "pass"),
                             ("p:new", "fail")])
    p = cli("compare", a, b)
    assert p.returncode == 1, p.stdout
    rows = [ln.split()[:4] for ln in p.stdout.splitlines()[4:-1]]
    assert rows == [["regression", "p:new", "-", "fail"],
                    ["fixed", "p:a", "xfail", "pass"]], p.stdout
    assert p.stdout.splitlines()[-1] == \
        "1 regression(s), 1 fixed, 0 disappeared, 0 other change(s)"
