# SPDX-License-Identifier: GPL-2.0-only
"""The runner's machine record decides which KVM serves /dev/kvm by the
rule the KVM programs follow (lib/kvm/kvm_flavour.c): every case of
lib/kvm/kvm-flavour-cases.txt, each built as a fake /sys/module tree."""

import os

import pytest

from conftest import TOP
from desctest_runner import machine

CASES = os.path.join(TOP, "lib", "kvm", "kvm-flavour-cases.txt")


def read_cases():
    cases = []
    with open(CASES, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            flags = set() if words[1] == "-" else set(words[1].split(","))
            cases.append(pytest.param(words[0], flags, words[2:],
                                      id="line%d" % n))
    return cases


@pytest.mark.parametrize("want,flags,entries", read_cases())
def test_flavour_rule(tmp_path, want, flags, entries):
    for e in entries:
        name, _, state = e.partition(":")
        (tmp_path / name / "parameters").mkdir(parents=True)
        if state:
            (tmp_path / name / "initstate").write_text(state + "\n")
    got = machine.kvm_flavour_decide(str(tmp_path), frozenset(flags))
    assert got == (None if want == "other" else want)


def test_the_table_has_the_cases():
    # kvm_pvm built in beside a loaded kvm_intel: kvm_intel serves.
    cases = [(p.values[0], p.values[2]) for p in read_cases()]
    assert ("kvm_intel", ["kvm_pvm", "kvm_intel:live"]) in cases
    assert len(cases) >= 10


def test_record_names_an_undecided_kvm(tmp_path):
    (tmp_path / "kvm_pvm").mkdir()
    (tmp_path / "kvm_intel").mkdir()
    assert machine.kvm_flavour(str(tmp_path), frozenset({"vmx"}),
                               dev="/nonexistent") == \
        "unknown (built in: kvm_intel, kvm_pvm; loaded: none)"
    assert machine.kvm_flavour(str(tmp_path / "none"), frozenset(),
                               dev="/nonexistent") == "none"
    assert machine.kvm_flavour(str(tmp_path / "none"), frozenset({"svm"}),
                               dev=str(tmp_path)) == \
        "kvm (module unknown; vmx=False svm=True)"
