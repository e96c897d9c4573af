# SPDX-License-Identifier: GPL-2.0-only
"""Real output of upstream's run_kselftest.sh (linux-source-6.12, x86 and
kvm selftests, captured on the development machine; see
fixtures/upstream/README): every program's own "# Totals:" line must agree
with the results the parser counts in its nested stream."""

import glob
import os

import pytest

from desctest_runner import ktap

from conftest import UPSTREAM

FILES = sorted(glob.glob(os.path.join(UPSTREAM, "*-run_kselftest.txt")))


def load(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return ktap.parse(f.read().splitlines())


def test_fixtures_present():
    names = [os.path.basename(f) for f in FILES]
    assert "x86-6.12-run_kselftest.txt" in names
    assert "kvm-6.12-run_kselftest.txt" in names


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_runner_stream_is_complete(path):
    d = load(path)
    assert d.version == "TAP 13"
    assert d.plan == len(d.results) > 0
    assert d.problems == []


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_nested_totals_agree(path):
    d = load(path)
    checked = 0
    for r in d.results:
        c = r.children
        if c is None or c.totals is None:
            continue
        checked += 1
        assert c.problems == [], (r.description, c.problems)
        counted = c.kselftest_counts()
        for key, value in c.totals.items():
            assert counted[key] == value, (r.description, key)
    assert checked > 0


def _by_name(d):
    return {r.description.split(": ")[-1]: r for r in d.results}


def test_x86_known_outcomes():
    d = load(os.path.join(UPSTREAM, "x86-6.12-run_kselftest.txt"))
    assert d.counts() == {"pass": 43, "fail": 1, "skip": 2, "xfail": 0,
                          "xpass": 0, "timeout": 2, "error": 0}
    r = _by_name(d)
    assert r["mov_ss_trap_64"].outcome == "timeout"
    assert r["mov_ss_trap_64"].reason == "45 seconds"
    assert r["test_shadow_stack_64"].note == "exit=1"
    vs = r["test_vsyscall_64"].children
    assert vs.totals == {"pass": 13, "fail": 0, "xfail": 0, "xpass": 0,
                         "skip": 0, "error": 0}


def test_kvm_known_outcomes():
    d = load(os.path.join(UPSTREAM, "kvm-6.12-run_kselftest.txt"))
    assert d.counts() == {"pass": 23, "fail": 14, "skip": 46, "xfail": 0,
                          "xpass": 0, "timeout": 2, "error": 0}
    r = _by_name(d)
    assert r["dirty_log_test"].outcome == "timeout"
    assert r["dirty_log_test"].reason == "120 seconds"
    # Real failures on the paravirtual KVM this was captured on.
    assert r["set_sregs_test"].outcome == "fail"
    assert r["state_test"].outcome == "fail"
    # A program whose subtests are all KTAP: parent and children agree.
    for name, res in r.items():
        c = res.children
        if c is None or not c.results or c.totals is None:
            continue
        bad = [x for x in c.results if x.outcome in ("fail", "error")]
        if bad and res.outcome == "pass":
            pytest.fail("%s passed with failing subtests %s" % (
                name, [x.name for x in bad]))
