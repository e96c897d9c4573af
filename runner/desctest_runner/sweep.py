# SPDX-License-Identifier: GPL-2.0-only
"""./desctest sweep: prove a decoder right or wrong by the differential's
exhaustive sweep, compiled with gcc, g++ and clang.

The decoder is a C or C++ file (by its name: .cc, .cpp, .cxx, .C, .hpp,
.hh, .hxx, .c++ and .h++ are C++) with a function
  uint64_t NAME(const void *bytes)
(or taking const unsigned char * / const uint8_t *) that returns the base
or offset of the descriptor whose memory image starts at bytes.  A C
decoder is built by gcc and clang as C and by g++ as C++; a C++ decoder
by g++ and clang++ as C++ (--compilers picks a subset; clang++ builds a C
decoder as C++ too).  Each compiler builds lib/scan/sweep_unit.c with the file included, so the
decoder is inlined into the sweep loop as into a caller; the engine
(lib/scan/sweep.cpp, make scan_bin) sweeps every value of bits 31:0 for
several upper halves and names the shape of what is wrong.

The last line is the verdict: the compilers it was wrong on (or clean
on every one) and the checker's findings in the swept function; a
finding whose sweep is clean everywhere is reported as such.

Exit status: 0 clean on every compiler, 1 wrong on at least one, 2 bad
input (no such file, a compile error, no engine built).
"""

import json
import os
import re
import subprocess
import sys
import tempfile

from .config import InputError
from . import scan
from .scan import CXX_EXT, TOP, find_scanner

LAYOUTS = {"seg8": 1, "sys16": 2, "gate16": 3}
COMPILERS = {
    "gcc": ["gcc", "-x", "c", "-std=gnu11"],
    "g++": ["g++", "-x", "c++", "-std=gnu++20"],
    "clang": ["clang-14", "-x", "c", "-std=gnu11"],
    "clang++": ["clang++-14", "-x", "c++", "-std=gnu++20"],
}
C_COMPILERS = ("gcc", "clang")	# build the unit as C
DEFAULT_COMPILERS = {False: "gcc,g++,clang", True: "g++,clang++"}


def is_cxx(decoder):
    return decoder.endswith(CXX_EXT + (".C",))


def add_parser(sub):
    s = sub.add_parser(
        "sweep", help="prove a decoder by exhaustive sweep",
        description="Compile a decoder with gcc, g++ and clang, sweep every "
        "value of bits 31:0 for several upper halves, and name what is "
        "wrong. Exit 0: clean everywhere, 1: wrong on some compiler, 2: bad "
        "input.")
    s.add_argument("--decoder", required=True, metavar="FILE",
                   help="C or C++ file holding the decoder")
    s.add_argument("--func", required=True, metavar="NAME", dest="function",
                   help="uint64_t NAME(const void *bytes)")
    s.add_argument("--layout", required=True, choices=sorted(LAYOUTS),
                   help="seg8: 8-byte segment descriptor base; sys16: "
                   "16-byte system descriptor base; gate16: 16-byte gate "
                   "offset")
    s.add_argument("--compilers", default="",
                   help="comma-separated subset of gcc,g++,clang,clang++ "
                   "(default: gcc,g++,clang for a C decoder, g++,clang++ for "
                   "a C++ one)")
    s.add_argument("--format", choices=("text", "json"), default="text")
    s.add_argument("--engine", default="",
                   help="folder of libsweep.a (default: beside the newest "
                   "checker, .build/out-*/scan; make scan_bin builds it)")
    return s


def _first_error(text):
    for line in text.splitlines():
        if re.search(r"\berror: ", line):
            return " ".join(line.split())
    return " ".join(text.split())[:300] or "no message"


def sweep(decoder, func, layout, compilers, engine_dir):
    if not os.path.isfile(decoder):
        raise InputError("sweep: %s: no such file" % decoder)
    if not func.isidentifier():
        raise InputError("sweep: --func %r is not a C identifier" % func)
    engine = os.path.join(engine_dir, "libsweep.a")
    libdesc = os.path.join(os.path.dirname(engine_dir), "lib", "libdesc.a")
    for need in (engine, libdesc):
        if not os.path.isfile(need):
            raise InputError("sweep: %s is not built; run 'make scan_bin'" % need)
    results = {}
    with tempfile.TemporaryDirectory(prefix="desctest-sweep-") as tmp:
        for cc in compilers:
            obj = os.path.join(tmp, cc + ".o")
            exe = os.path.join(tmp, cc + ".sweep")
            cmd = COMPILERS[cc] + [
                "-O3", "-fno-strict-aliasing", "-w",
                "-I" + os.path.join(TOP, "include"),
                "-I" + os.path.join(TOP, "tests", "differential"),
                "-DDT_USER_FILE=\"%s\"" % os.path.abspath(decoder),
                "-DDT_USER_FUNC=" + func, "-DDT_LAYOUT=%d" % LAYOUTS[layout],
                "-c", os.path.join(TOP, "lib", "scan", "sweep_unit.c"),
                "-o", obj]
            p = subprocess.run(cmd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               stdin=subprocess.DEVNULL)
            if p.returncode:
                raise InputError("sweep: %s cannot compile %s: %s" % (
                    cc, decoder, _first_error(p.stdout)))
            p = subprocess.run(["g++", "-o", exe, obj, engine, libdesc,
                                "-pthread"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               stdin=subprocess.DEVNULL)
            if p.returncode:
                raise InputError("sweep: linking the %s build failed: %s" % (
                    cc, _first_error(p.stdout)))
            p = subprocess.run([exe, "--layout", layout],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, stdin=subprocess.DEVNULL)
            if p.returncode:
                raise InputError("sweep: the %s build failed (exit %d): %s" % (
                    cc, p.returncode, " ".join(p.stderr.split())[:300]))
            results[cc] = json.loads(p.stdout)
    return results


def format_result(cc, r):
    lines = ["%s: %s" % (cc, r["text"])]
    if r["wrong"]:
        lines.append("  %d of %d values wrong; %s" % (
            r["wrong"], r["checked"], "; ".join(
                "upper %s: %d (bits 31:24 %s)" % (s["upper"], s["wrong"],
                                                  s["bits31_24"])
                for s in r["sweeps"])))
        for h in r["hits"][:2]:
            lines.append("  value %s: seen %s wanted %s" % (
                h["value"], h["seen"], h["wanted"]))
    return lines


def _scanner_beside(engine_dir):
    """With --engine, the checker built beside it, if any."""
    p = os.path.join(engine_dir, "desc_scan")
    return p if os.path.isfile(p) else ""


def scan_findings(decoder, func, scanner):
    """The checker's findings in the swept function itself: (line, col,
    function) of each; None when no checker is built."""
    if not scanner:
        return None
    findings, _, _ = scan.scan([decoder], scanner, "auto", 1)
    return [{"line": f["line"], "col": f["col"], "function": f["function"]}
            for f in findings if f["function"] == func]


def verdict(results, func, found):
    wrong = [cc for cc, r in results.items() if r["shape"] != "clean"]
    text = "desctest sweep: " + ("wrong on " + ", ".join(wrong) if wrong
                                 else "clean on every compiler")
    if found is None:
        return text + "; the scan did not run (no checker built: make scan_bin)"
    text += "; the scan's findings in %s(): " % func
    if not found:
        return text + "none"
    text += ", ".join("line %d" % f["line"] for f in found)
    if not wrong:
        text += ", a finding with a clean sweep (no value decoded wrong)"
    return text


def main(a):
    cxx = is_cxx(a.decoder)
    given = a.compilers or DEFAULT_COMPILERS[cxx]
    compilers = [c for c in given.split(",") if c]
    bad = [c for c in compilers if c not in COMPILERS]
    if bad or not compilers:
        raise InputError("sweep: --compilers takes gcc, g++, clang and "
                         "clang++, comma-separated (not %s)" % ",".join(
                             bad or ["''"]))
    if cxx and any(c in C_COMPILERS for c in compilers):
        raise InputError("sweep: %s is C++: gcc and clang build it as C; use "
                         "g++ and clang++ (the default for a C++ file)" %
                         a.decoder)
    scanner = find_scanner("") if not a.engine else \
        _scanner_beside(a.engine)
    engine_dir = a.engine or os.path.dirname(scanner)
    results = sweep(a.decoder, a.function, a.layout, compilers, engine_dir)
    found = scan_findings(a.decoder, a.function, scanner)
    if a.format == "json":
        json.dump({"decoder": a.decoder, "func": a.function, "layout": a.layout,
                   "compilers": results, "scan_findings": found},
                  sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        uppers = len(next(iter(results.values()))["sweeps"])
        print("desctest sweep: %s() of %s, layout %s: every value of bits "
              "31:0 for %s, per compiler" % (
                  a.function, a.decoder, a.layout,
                  "1 upper half" if uppers == 1 else "%d upper halves" % uppers))
        for cc, r in results.items():
            for line in format_result(cc, r):
                print(line)
        print(verdict(results, a.function, found))
    return 0 if all(r["shape"] == "clean" for r in results.values()) else 1
