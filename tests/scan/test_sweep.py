# SPDX-License-Identifier: GPL-2.0-only
"""./desctest sweep: each decoder's shape named exactly, on gcc, g++ and
clang; the safe twins clean on each; bad input exits 2 with one line."""

import json
import os
import re
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
DEC = os.path.join("tests", "scan", "decoders")


def sweep(*args):
    return subprocess.run([os.path.join(TOP, "desctest"), "sweep"] + list(args),
                          cwd=TOP, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True,
                          stdin=subprocess.DEVNULL, timeout=1800)


CASES = [
    # file, function, layout, shape, the scan's finding lines in the function
    ("or_bytes.c", "or_bytes", "sys16", "or-sign-extension", [10]),
    ("or_bytes_safe.c", "or_bytes_safe", "sys16", "clean", []),
    ("add_bf.c", "add_bf", "sys16", "add-borrow", [18]),
    ("add_bf_safe.c", "add_bf_safe", "sys16", "clean", []),
    ("truncated.c", "truncated", "sys16", "truncation", []),
    ("wrong_bits.c", "wrong_bits", "sys16", "other", []),
    ("gate.c", "gate_offset", "gate16", "or-sign-extension", [16]),
    ("gate.c", "gate_offset_safe", "gate16", "clean", []),
    ("seg8.c", "seg_base", "seg8", "or-sign-extension", [9]),
    ("seg8.c", "seg_base_safe", "seg8", "clean", []),
    ("macro.c", "macro_base", "sys16", "or-sign-extension", [25]),
    ("macro.c", "macro_base_safe", "sys16", "clean", []),
    ("typedef_byte.c", "byte_base", "sys16", "or-sign-extension", [15]),
    ("typedef_byte.c", "byte_base_safe", "sys16", "clean", []),
    # the finding is in the member function SegDesc::base, not here
    ("member.cpp", "member_base", "seg8", "or-sign-extension", []),
    ("member.cpp", "member_base_safe", "seg8", "clean", []),
    ("seg8_forms.c", "bf64_base", "seg8", "or-sign-extension", [19]),
    ("seg8_forms.c", "masked_base", "seg8", "clean", []),
    ("seg8_forms.c", "field32_base", "seg8", "clean", []),
    ("seg8_forms.c", "result32_base", "seg8", "clean", []),
    # a scan finding whose sweep is clean on every compiler
    ("seg8_forms.c", "masked_later", "seg8", "clean", [55]),
]

# A C decoder is built as C by gcc and clang and as C++ by g++; a C++
# decoder as C++ by g++ and clang++.
WANT_COMPILERS = {".c": ["clang", "g++", "gcc"], ".cpp": ["clang++", "g++"]}


@pytest.mark.parametrize("file,func,layout,shape,scan_lines", CASES,
                         ids=[c[1] for c in CASES])
def test_shape_on_every_compiler(file, func, layout, shape, scan_lines):
    p = sweep("--format", "json", "--decoder", os.path.join(DEC, file),
              "--func", func, "--layout", layout)
    assert p.returncode == (0 if shape == "clean" else 1), p.stderr
    out = json.loads(p.stdout)
    assert [f["line"] for f in out["scan_findings"]] == scan_lines
    assert {f["function"] for f in out["scan_findings"]} <= {func}
    assert sorted(out["compilers"]) == WANT_COMPILERS[os.path.splitext(file)[1]]
    for cc, r in out["compilers"].items():
        assert r["shape"] == shape, (cc, r["text"])
        uppers = 1 if layout == "seg8" else 3
        assert r["checked"] == uppers << 32
        if shape == "clean":
            assert r["wrong"] == 0
        elif shape == "truncation":
            # every value wrong unless the upper half is zero
            assert r["wrong"] == 2 << 32
        elif shape == "or-sign-extension":
            # bit 31 set, except where the upper half is already all ones
            assert r["wrong"] == (1 << 31) * (1 if layout == "seg8" else 2)
        elif shape == "add-borrow":
            assert r["wrong"] == 3 << 31


def test_text_report():
    # seg8: one upper half, a third of sys16's sweep, for the text's form
    p = sweep("--compilers", "gcc", "--decoder", os.path.join(DEC, "wrong_bits.c"),
              "--func", "wrong_bits", "--layout", "seg8")
    assert p.returncode == 1
    assert p.stdout.splitlines() == [
        "desctest sweep: wrong_bits() of %s, layout seg8: every value of bits "
        "31:0 for 1 upper half, per compiler" % os.path.join(DEC, "wrong_bits.c"),
        "gcc: other: wrong bits 0xff000000; first: seen 0x0 wanted 0x1000000",
        "  4278190080 of 4294967296 values wrong; upper 0x0: 4278190080 (bits "
        "31:24 0x1-0xff)",
        "  value 0x1000000: seen 0x0 wanted 0x1000000",
        "  value 0x1000001: seen 0x1 wanted 0x1000001",
        "desctest sweep: wrong on gcc; the scan's findings in wrong_bits(): none"]


def test_missing_decoder():
    p = sweep("--decoder", "nope.c", "--func", "f", "--layout", "sys16")
    assert (p.returncode, p.stdout, p.stderr) == (
        2, "", "desctest: sweep: nope.c: no such file\n")


def test_compile_error_named(tmp_path):
    src = tmp_path / "bad.c"
    src.write_text("// SPDX-License-Identifier: GPL-2.0-only\n"
                   "unsigned long long bad(const void *p) { return q; }\n")
    p = sweep("--compilers", "gcc", "--decoder", str(src), "--func", "bad",
              "--layout", "sys16")
    assert p.returncode == 2
    assert p.stderr.startswith("desctest: sweep: gcc cannot compile %s: " % src)
    # gcc quotes with ' or with U+2018/U+2019, by locale
    assert re.search(r"error: [\u2018']q[\u2019'] undeclared", p.stderr), p.stderr
    assert len(p.stderr.splitlines()) == 1


def test_bad_compiler_list():
    p = sweep("--compilers", "icc", "--decoder", os.path.join(DEC, "seg8.c"),
              "--func", "seg_base", "--layout", "seg8")
    assert (p.returncode, p.stderr) == (
        2, "desctest: sweep: --compilers takes gcc, g++, clang and clang++, "
        "comma-separated (not icc)\n")


def test_cxx_decoder_not_built_as_c():
    dec = os.path.join(DEC, "member.cpp")
    p = sweep("--compilers", "g++,gcc", "--decoder", dec,
              "--func", "member_base", "--layout", "seg8")
    assert (p.returncode, p.stdout, p.stderr) == (
        2, "", "desctest: sweep: %s is C++: gcc and clang build it as C; use "
        "g++ and clang++ (the default for a C++ file)\n" % dec)


def test_c_decoder_on_clangxx():
    # clang++ builds a C decoder as C++ when asked to; a scan finding whose
    # sweep is clean is reported as such in the verdict line.
    p = sweep("--compilers", "clang++", "--decoder",
              os.path.join(DEC, "seg8_forms.c"), "--func", "masked_later",
              "--layout", "seg8")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[1:] == [
        "clang++: clean: all 4294967296 values decoded right",
        "desctest sweep: clean on every compiler; the scan's findings in "
        "masked_later(): line 55, a finding with a clean sweep (no value "
        "decoded wrong)"]
