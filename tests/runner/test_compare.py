# SPDX-License-Identifier: GPL-2.0-only
"""compare A B: regressions table and exit status."""

import json

from desctest_runner import compare


def results(tmp_path, name, outcomes):
    tests = []
    for i, (tid, o) in enumerate(outcomes.items(), 1):
        prog, _, sub = tid.partition("::")
        tests.append({"id": tid, "program": prog, "name": sub, "number": i,
                      "outcome": o, "reason": "why " + o})
    d = tmp_path / name
    d.mkdir()
    (d / "results.json").write_text(json.dumps({"run_id": name,
                                                "tests": tests}))
    return d


A = {"p:a::one": "pass", "p:a::two": "fail", "p:a::three": "pass",
     "p:a::gone": "pass", "p:a": "fail"}
B = {"p:a::one": "fail", "p:a::two": "pass", "p:a::three": "skip",
     "p:a::new": "pass", "p:a": "fail"}


def test_classify():
    def data(o):
        return {"tests": [{"id": k, "program": "p:a", "name": k[5:],
                           "number": None, "outcome": v} for k, v in
                          o.items()]}
    rows = compare.classify(data(A), data(B))
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("regression", "p:a::one", "pass", "fail"),
        ("fixed", "p:a::two", "fail", "pass"),
        ("newly skipped", "p:a::three", "pass", "skip"),
        ("appeared", "p:a::new", "-", "pass"),
        ("disappeared", "p:a::gone", "pass", "-")]


def test_cli_exit_status(cli, tmp_path):
    a = results(tmp_path, "a", A)
    b = results(tmp_path, "b", B)
    p = cli("compare", a, b / "results.json")
    assert p.returncode == 1
    assert any(l.split()[:2] == ["regression", "p:a::one"]
               for l in p.stdout.splitlines())
    assert any(l.split()[:2] == ["disappeared", "p:a::gone"]
               for l in p.stdout.splitlines())
    assert "1 regression(s), 1 fixed" in p.stdout
    p = cli("compare", b, b)
    assert p.returncode == 0
    assert "no differences" in p.stdout


def test_skip_renames_are_matched_by_number(tmp_path):
    # kselftest names a skipped result by its reason: "ok 2 # SKIP why".
    a = {"tests": [{"id": "p::b", "program": "p", "name": "b", "number": 2,
                    "outcome": "pass"}]}
    b = {"tests": [{"id": "p::no kvm", "program": "p", "name": "no kvm",
                    "number": 2, "outcome": "skip"}]}
    rows = compare.classify(a, b)
    assert [r[0] for r in rows] == ["newly skipped"]


def test_bad_input(cli, tmp_path):
    p = cli("compare", tmp_path / "x", tmp_path / "y")
    assert p.returncode == 2
    assert "not found" in p.stderr


BROKEN = [
    ({"tests": {"p::a": "pass"}}, "tests"),
    ({"tests": ["p::a"]}, "not an object"),
    ({"tests": [{"id": "p::a", "program": "p", "outcome": "pass"}]},
     "no name"),
    ({"tests": [{"program": "p", "name": "a", "outcome": "pass"}]}, "no id"),
    ({"tests": [{"id": "p::a", "program": "p", "name": "a",
                 "outcome": "passed"}]}, "unknown outcome 'passed'"),
    ({"tests": [{"id": "p::a", "program": "p", "name": "a",
                 "outcome": "pass"}], "machine": "x"}, None),
]


def test_malformed_results_are_usage_errors(cli, tmp_path):
    good = results(tmp_path, "good", {"p::a": "pass"})
    for n, (doc, words) in enumerate(BROKEN):
        d = tmp_path / ("bad%d" % n)
        d.mkdir()
        (d / "results.json").write_text(json.dumps(doc))
        p = cli("compare", good, d)
        if words is None:       # odd but harmless: compared
            assert p.returncode == 0, p.stderr
            continue
        assert p.returncode == 2, (doc, p.stdout, p.stderr)
        assert "Traceback" not in p.stderr and p.stderr.count("\n") == 1
        assert words in p.stderr, p.stderr


def test_incomplete_or_interrupted_runs_are_warned_about(cli, tmp_path):
    a = results(tmp_path, "a", {"p::a": "pass"})
    b = results(tmp_path, "b", {"p::a": "pass"})
    p = cli("compare", a, b)
    assert p.returncode == 0 and "warning" not in p.stderr
    doc = json.loads((b / "results.json").read_text())
    doc.update(complete=False, interrupted=True)
    (b / "results.json").write_text(json.dumps(doc))
    p = cli("compare", a, b)
    assert p.returncode == 0
    assert "run B" in p.stderr and "interrupted and is incomplete" in \
        p.stderr and "run A" not in p.stderr


def test_renames_match_within_their_parent_only():
    # Two parents, each with a child numbered 1: a rename in one must not
    # be paired with the other parent's child.
    def t(name, number, outcome):
        return {"id": "p::" + name, "program": "p", "name": name,
                "number": number, "outcome": outcome}
    a = {"tests": [t("x/one", 1, "pass"), t("y/other", 1, "pass")]}
    b = {"tests": [t("y/other", 1, "pass"), t("x/no kvm", 1, "skip")]}
    rows = compare.classify(a, b)
    assert [(r[0], r[1]) for r in rows] == [("newly skipped", "p::x/no kvm")]
    # Same parent name with a "/" of its own, written "\/".
    a = {"tests": [t("a\\/b/one", 1, "pass"), t("a/b/one", 1, "pass")]}
    b = {"tests": [t("a\\/b/no vmx", 1, "skip"), t("a/b/one", 1, "pass")]}
    rows = compare.classify(a, b)
    assert [(r[0], r[1]) for r in rows] == [("newly skipped",
                                             "p::a\\/b/no vmx")]
    assert compare._parent("a\\/b/c") == "a\\/b"


def test_vanished_tests_are_regressions(cli, tmp_path):
    # A test, or a whole program, missing from B: bad unless allowed.
    a = results(tmp_path, "a", {"p:a::one": "pass", "p:a": "pass",
                                "p:b::x": "pass", "p:b": "pass"})
    b = results(tmp_path, "b", {"p:a::one": "pass", "p:a": "pass"})
    p = cli("compare", a, b)
    assert p.returncode == 1, p.stdout
    assert "0 regression(s), 0 fixed, 2 disappeared (a regression" in \
        p.stdout
    p = cli("compare", a, b, "--allow-removed")
    assert p.returncode == 0, p.stdout
    assert "2 disappeared (allowed by --allow-removed)" in p.stdout


def test_comparison_as_data():
    def data(o):
        return {"tests": [{"id": k, "program": "p:a", "name": k[5:],
                           "number": None, "outcome": v} for k, v in
                          o.items()]}
    c = compare.compare_runs(data(A), data(B))
    assert [r[1] for r in c.regressions] == ["p:a::one"]
    assert [r[1] for r in c.fixes] == ["p:a::two"]
    assert [r[1] for r in c.appeared] == ["p:a::new"]
    assert [r[1] for r in c.disappeared] == ["p:a::gone"]
    assert [r[1] for r in c.bad] == ["p:a::one", "p:a::gone"]
    assert c.common == 4 and c.exit_status == 1
    c = compare.compare_runs(data(A), data(B), allow_removed=True)
    assert [r[1] for r in c.bad] == ["p:a::one"]


def test_runs_with_nothing_in_common_are_an_error(cli, tmp_path):
    a = results(tmp_path, "a", {"p:a::one": "pass", "p:a": "pass"})
    b = results(tmp_path, "b", {"p:z::one": "pass", "p:z": "pass"})
    p = cli("compare", a, b, "--allow-removed")
    assert p.returncode == 2, p.stdout
    assert "share no test" in p.stderr and p.stderr.count("\n") == 1


def test_results_not_utf8_names_the_file(cli, tmp_path):
    a = results(tmp_path, "a", {"p:a": "pass"})
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "results.json").write_bytes(b'{"tests": ["caf\xe9"]}\n')
    p = cli("compare", a, bad)
    assert p.returncode == 2
    assert str(bad / "results.json") in p.stderr and "not UTF-8" in p.stderr
    assert p.stderr.count("\n") == 1
