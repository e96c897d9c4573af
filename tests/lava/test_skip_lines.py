# SPDX-License-Identifier: GPL-2.0-only
"""tests/lava/skip_lines.py: the programs' sources keep the rule (every
SKIP reason a constant), and the checker finds each kind of offence."""

import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import skip_lines  # noqa: E402


def test_the_sources_keep_the_rule():
    p = subprocess.run([sys.executable, os.path.join(HERE, "skip_lines.py")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    assert p.returncode == 0, p.stdout
    assert p.stdout.startswith("skip_lines: ok: ")


@pytest.mark.parametrize("src,why", [
    ('SKIP(return, "no row for kernel %s", rel);',
     'the SKIP reason has a conversion: "no row for kernel %s"'),
    ('dt_result_skip(name, "%s\\n", why);',
     'the SKIP reason has a conversion: "%s\\n"'),
    ('dt_result_skip(name, reason);',
     "the SKIP reason is not a string literal: reason"),
    ('ksft_test_result_skip("cpu %d\\n", cpu);',
     'the SKIP reason has a conversion: "cpu %d\\n"'),
    ('k.skip(name, "LDTR " + hex(v));',
     'the SKIP reason is not a string literal: "LDTR " + hex(v)'),
    ('printf("ok 1 %s # SKIP %s\\n", n, w);',
     'a format writes a SKIP line with a value: "ok 1 %s # SKIP %s\\n"'),
    ('seq_buf_printf(s, FMT, n, name, "SKIP", why);',
     "the SKIP reason is not a string literal"),
])
def test_each_offence_is_found(src, why):
    assert skip_lines.check_text("t.c", "void f(void)\n{\n\t%s\n}\n" % src) \
        == [("t.c", 3, why)]


@pytest.mark.parametrize("src", [
    'SKIP(return, "CPU has no RDPID (CPUID.7.0:ECX[22] clear)");',
    'dt_result_skip(name, "kvm_pvm offers " "no VMX\\n");',
    'SKIP(return, "100%% sure");',
    '/* SKIP reason: constant */\n\tdt_result_skip(name, "%s\\n", pick(kvm));',
    '/* SKIP(return, "%s", x); in a comment */',
])
def test_constant_reasons_pass(src):
    assert skip_lines.check_text("t.c", "void f(void)\n{\n\t%s\n}\n" % src) == []
