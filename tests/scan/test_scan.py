# SPDX-License-Identifier: GPL-2.0-only
"""./desctest scan: exact findings on the fixtures (one per form, and the
safe twins that must stay silent), the data model, bad input, and the
get_desc64_base() of Debian's kernel tree before and after the fix."""

import json
import os
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
FIX = os.path.join("tests", "scan", "fixtures")


def scan(*args):
    return subprocess.run([os.path.join(TOP, "desctest"), "scan"] + list(args),
                          cwd=TOP, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True,
                          stdin=subprocess.DEVNULL, timeout=600)


@pytest.fixture(scope="module", autouse=True)
def scanner():
    """The checker make scan_check built (DESCTEST_SCANNER), else the
    newest one under .build."""
    p = scan("--format", "json", os.path.join(FIX, "safe.c"))
    if p.returncode == 2 and "not built" in p.stderr:
        pytest.fail("the checker is not built: run 'make scan_bin' first")


def test_fixtures_exact_findings():
    p = scan("-q", FIX)
    with open(os.path.join(HERE, "expected-fixtures.txt")) as f:
        want = f.read()
    assert p.stdout == want
    assert p.returncode == 1
    assert p.stderr == "desctest scan: 11 files, 15 findings, 0 not fully parsed\n"


@pytest.mark.parametrize("name,lines", [
    ("or_style.c", [13]), ("add_style.c", [18]), ("bitfield.c", [19, 24]),
    ("typedef_byte.c", [15, 20]), ("u16_shift.c", [13, 19]),
    ("macro.c", [14]), ("member.cpp", [14, 26]), ("gate.c", [16]),
    ("pointer.c", [13, 18, 23]),
    ("safe.c", []), ("llp64.c", []),
])
def test_each_form_alone(name, lines):
    p = scan("--format", "json", os.path.join(FIX, name))
    out = json.loads(p.stdout)
    assert [f["line"] for f in out["findings"]] == lines
    assert p.returncode == (1 if lines else 0)
    assert out["unparsed"] == []


def test_finding_fields():
    out = json.loads(scan("--format", "json", os.path.join(FIX, "bitfield.c")).stdout)
    f = out["findings"][1]
    assert (f["function"], f["operand"], f["operand_type"], f["width"],
            f["bitfield"], f["shift"], f["widening"]) == (
        "bf64_base", "d->base2", "uint64_t (aka unsigned long) : 8", 8,
        True, 24, "OR with unsigned long")


def test_macro_names_its_definition():
    f = json.loads(scan("--format", "json", os.path.join(FIX, "macro.c")).stdout)["findings"][0]
    assert (f["line"], f["macro"], f["macro_line"], f["widening"]) == (
        14, "GETBASE", 10, "initialisation of uint64_t base")


def test_data_model():
    path = os.path.join(FIX, "llp64.c")
    auto = scan(path)
    assert (auto.returncode, auto.stdout) == (0, "")
    lp64 = scan("--model", "lp64", path)
    assert lp64.returncode == 1
    assert lp64.stdout.startswith(path + ":17:9: warning: 'e->BaseHi << 24': ")
    assert lp64.stdout.rstrip().endswith("in the return as ULONG [promotion-sign-extension]")
    llp64 = scan("--model", "llp64", os.path.join(FIX, "u16_shift.c"))
    assert llp64.returncode == 1	# uint64_t is 64 bits in both models


def test_missing_path():
    p = scan(os.path.join(FIX, "nope.c"))
    assert (p.returncode, p.stdout) == (2, "")
    assert p.stderr == "desctest: scan: %s: no such file or directory\n" % (
        os.path.join(FIX, "nope.c"))


def test_not_c():
    p = scan(os.path.join(HERE, "expected-fixtures.txt"))
    assert p.returncode == 2
    assert p.stderr.startswith("desctest: scan: %s: not a C or C++ file" % (
        os.path.join(HERE, "expected-fixtures.txt")))


def test_unparsable_file_is_named(tmp_path):
    src = tmp_path / "broken.c"
    src.write_text("// SPDX-License-Identifier: GPL-2.0-only\n"
                   "#include \"absent.h\"\nstruct s { undefined_t x; };\n")
    p = scan(str(src))
    assert (p.returncode, p.stdout) == (0, "")
    assert p.stderr.splitlines()[0].startswith(
        "%s: note: not fully parsed (1 headers not found, read as empty: "
        "absent.h; 1 errors, first: %s:3: unknown type name 'undefined_t')" % (
            src, src))


KSRC = os.environ.get("DESCTEST_KSRC", "")
UNPATCHED = os.environ.get("DESCTEST_UNPATCHED_PROCESSOR_H", "")
PROC = "tools/testing/selftests/kvm/include/x86_64/processor.h"


@pytest.mark.skipif(not UNPATCHED, reason="DESCTEST_UNPATCHED_PROCESSOR_H "
                    "unset: make scan_check passes the Debian tree's copy")
def test_unpatched_get_desc64_base_found():
    out = json.loads(scan("--format", "json", UNPATCHED).stdout)
    hits = [f for f in out["findings"] if f["function"] == "get_desc64_base"]
    assert [(f["line"], f["expr"], f["operand_type"]) for f in hits] == [
        (424, "(desc->base2) << 24", "unsigned int : 8")]


@pytest.mark.skipif(not KSRC, reason="DESCTEST_KSRC unset: make scan_check "
                    "passes the patched Debian tree")
def test_patched_get_desc64_base_clean():
    path = os.path.join(KSRC, PROC)
    p = scan("--format", "json", path)
    out = json.loads(p.stdout)
    assert [f for f in out["findings"] if f["function"] == "get_desc64_base"] == []
    with open(path) as f:
        assert "(uint64_t)desc->base2 << 24" in f.read()


def _checkers_of(pid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open("/proc/%s/cmdline" % d, "rb") as f:
                argv0 = f.read().split(b"\0")[0]
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid and argv0.endswith(b"desc_scan"):
            out.append(int(d))
    return out


@pytest.mark.skipif(not KSRC, reason="DESCTEST_KSRC unset: make scan_check "
                    "passes the patched Debian tree (a scan long enough to stop)")
def test_sigterm_stops_every_checker():
    import signal
    import time
    p = subprocess.Popen([os.path.join(TOP, "desctest"), "scan", "-q",
                          os.path.join(KSRC, "arch", "x86")],
                         cwd=TOP, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, text=True)
    seen = []
    deadline = time.monotonic() + 60
    while not seen and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.2)
        seen = _checkers_of(p.pid)
    assert seen, "no checker started"
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=60)
    assert (p.returncode, out) == (130, "")
    assert err.splitlines()[-1] == "desctest: interrupted"
    assert [c for c in seen if os.path.exists("/proc/%d" % c)] == []


def test_known_type_names_assumed_and_said():
    path = os.path.join("tests", "scan", "fixtures-assumed", "sdk_types.c")
    p = scan(path)
    assert p.returncode == 1
    assert p.stdout.splitlines() == [
        path + ":15:9: warning: 'e->BaseHi << 24': operand 'e->BaseHi' (const "
        "UCHAR (aka const unsigned char)) is promoted to int; shifted left by "
        "24, its bit 7 lands in bit 31, and the negative int sign-extends in "
        "the return as unsigned long long (not defined in the tree, assumed: "
        "UCHAR (unsigned char), USHORT (unsigned short)) "
        "[promotion-sign-extension]"]
    assert p.stderr.splitlines()[0] == (
        path + ": note: not fully parsed (1 headers not found, read as empty: "
        "sdk/ntdef_missing.h; types not defined in the tree, assumed: UCHAR "
        "(unsigned char), USHORT (unsigned short)); what clang could not type "
        "was not examined")
    out = json.loads(scan("--format", "json", path).stdout)
    assert out["findings"][0]["assumed_types"] == [
        "UCHAR (unsigned char)", "USHORT (unsigned short)"]


def _mini_linux_tree(root):
    """A Linux tree as the scan knows one (include/linux/kconfig.h and
    init/main.c) with one file that needs a generated header and one
    that does not."""
    for d in ("include/linux", "include/asm-generic", "init", "arch/x86/kernel"):
        os.makedirs(os.path.join(root, d))
    files = {
        "include/linux/kconfig.h": "",
        "init/main.c": "",
        "arch/x86/kernel/gen.c": "#include <generated/bounds.h>\n"
                                 "unsigned long long f(unsigned char b)\n"
                                 "{\n\treturn b << 24;\n}\n",
        "arch/x86/kernel/plain.c": "unsigned int g(unsigned char b)\n"
                                   "{\n\treturn b << 24;\n}\n",
    }
    for name, text in files.items():
        with open(os.path.join(root, name), "w") as f:
            f.write("// SPDX-License-Identifier: GPL-2.0-only\n" + text)


def test_linux_tree_without_build_configuration_said(tmp_path):
    root = str(tmp_path / "linux")
    _mini_linux_tree(root)
    note = ("%s: note: a Linux tree, scanned without its build configuration: "
            "outside tools/, 29 CONFIG_ options are set (those the x86-64 "
            "headers cannot be parsed without) and a header a configured "
            "build generates is read as empty; 1 of its 2 scanned files not "
            "fully parsed, and in them what clang could not type was not "
            "examined" % root)
    p = scan("-q", os.path.join(root, "arch", "x86"))
    assert p.returncode == 1
    assert [l.split(": warning:")[0] for l in p.stdout.splitlines()] == [
        os.path.join(root, "arch/x86/kernel/gen.c") + ":5:9"]
    assert p.stderr.splitlines() == [
        note, "desctest scan: 2 files, 1 findings, 1 not fully parsed"]
    out = json.loads(scan("--format", "json", os.path.join(root, "arch")).stdout)
    assert out["linux_trees"] == [{"root": root, "files": 2,
                                   "not_fully_parsed": 1, "config_options": 29}]


@pytest.mark.skipif(not KSRC, reason="DESCTEST_KSRC unset: make scan_check "
                    "passes the patched Debian tree")
def test_debian_tree_without_build_configuration_said():
    kvm = os.path.join(KSRC, "virt", "kvm")
    out = json.loads(scan("--format", "json", kvm).stdout)
    root = os.path.realpath(KSRC)
    assert out["linux_trees"] == [{
        "root": root, "files": out["files"],
        "not_fully_parsed": len(out["unparsed"]), "config_options": 29}]
    assert out["files"] > len(out["unparsed"]) > 0
    p = scan("-q", kvm)
    # Named as the scan names paths: relative to where it ran (TOP) when
    # the tree is below it (a fresh clone's .build/ksrc), else absolute.
    rel = os.path.relpath(root, TOP)
    shown = root if rel.startswith("..") else rel
    assert p.stderr.splitlines()[0] == (
        "%s: note: a Linux tree, scanned without its build configuration: "
        "outside tools/, 29 CONFIG_ options are set (those the x86-64 headers "
        "cannot be parsed without) and a header a configured build generates "
        "is read as empty; %d of its %d scanned files not fully parsed, and "
        "in them what clang could not type was not examined" % (
            shown, len(out["unparsed"]), out["files"]))
