# SPDX-License-Identifier: GPL-2.0-only
"""The kernel tree's own selftests beside desctest's (run --upstream x86).

build() compiles the descriptor-related programs of
KSRC/tools/testing/selftests/x86 with upstream's own Makefile (64-bit, and
32-bit where gcc -m32 links) into OUTPUT/x86 and returns them as programs
of collection "x86". Unless the settings declare "x86.ktap=strict" they are
judged by the kselftest rule (verdict.py): their exit code, as upstream's
run_kselftest.sh judges it. tests/upstream/README.md says why each
program is in the list."""

import fnmatch
import os
import subprocess
import sys

from .config import InputError, Program, read_all_settings

LISTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "tests", "upstream")


def names(suite):
    """Upstream's program names (without _64/_32) of SUITE, in the order
    they run: tests/upstream/SUITE-programs, one a line."""
    path = os.path.join(LISTS, "%s-programs" % suite)
    try:
        with open(path, encoding="utf-8") as f:
            return [l.split("#")[0].strip() for l in f
                    if l.split("#")[0].strip()]
    except OSError as e:
        raise InputError("%s: %s; run desctest from a full checkout"
                         % (path, e.strerror)) from None


SUITES = ("x86",)
LOG = "build.log"


def selftests_dir(ksrc, suite):
    return os.path.join(ksrc, "tools", "testing", "selftests", suite)


def build(suite, top, output, ksrc, settings, filters=()):
    """Build SUITE's programs from ksrc into OUTPUT/SUITE; return them as
    Programs (timeouts and rule from settings), those filters match."""
    default, per, strict = read_all_settings(settings)
    progs = []
    for pid in build_suite(suite, output, ksrc):
        prog = Program(suite, pid.split(":", 1)[1], None, suite in strict)
        prog.timeout = per.get(prog.path, default)
        if filters and not any(fnmatch.fnmatchcase(prog.id, g) or
                               fnmatch.fnmatchcase(prog.path, g)
                               for g in filters):
            continue
        progs.append(prog)
    return progs


def build_suite(suite, output, ksrc):
    """Build SUITE's programs from ksrc into OUTPUT/SUITE; their
    collection:test ids, 64-bit then 32-bit of each name."""
    if not ksrc:
        raise InputError("--upstream %s needs --ksrc, the kernel tree whose "
                         "tools/testing/selftests/%s to build (make run_tests "
                         "UPSTREAM=%s passes it)" % (suite, suite, suite))
    src = selftests_dir(os.path.abspath(ksrc), suite)
    if not os.path.isfile(os.path.join(src, "Makefile")):
        raise InputError("%s/Makefile not found: --ksrc %s is not a kernel "
                         "tree with %s selftests" % (src, ksrc, suite))
    dest = os.path.join(os.path.abspath(output), suite)
    os.makedirs(dest, exist_ok=True)
    log = os.path.join(dest, LOG)
    wanted = names(suite)
    # Not desctest's make's flags and variables (OUTPUT, -j...): upstream's
    # Makefile, as run_kselftest.sh's tree is built.
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    with open(log, "w") as f:
        p = subprocess.run(["make", "-C", src, "OUTPUT=" + dest] +
                           wanted, stdout=f, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, env=env)
    if p.returncode != 0:
        raise InputError("building %s's %s selftests failed (make exit %d); "
                         "see %s" % (ksrc, suite, p.returncode, log))
    if not any(os.path.isfile(os.path.join(dest, n + "_32"))
               for n in wanted):
        print("desctest: %s: no 32-bit programs built (gcc -m32 cannot "
              "link here: install gcc-multilib); the 64-bit ones run"
              % suite, file=sys.stderr)
    return built(suite, output)


def built(suite, output):
    """The programs of SUITE under OUTPUT/SUITE (collection:test)."""
    dest = os.path.join(output, suite)
    return ["%s:%s_%s" % (suite, n, b) for n in names(suite)
            for b in ("64", "32")
            if os.path.isfile(os.path.join(dest, "%s_%s" % (n, b)))]


def main(argv):
    """python -m desctest_runner.upstream build SUITE KSRC OUTPUT: build
    and print the collection:test lines (make UPSTREAM=SUITE)."""
    if len(argv) != 4 or argv[0] != "build" or argv[1] not in SUITES:
        print("usage: python -m desctest_runner.upstream build {%s} KSRC "
              "OUTPUT" % ",".join(SUITES), file=sys.stderr)
        return 2
    try:
        ids = build_suite(argv[1], argv[3], argv[2])
    except InputError as e:
        print("desctest: %s" % e, file=sys.stderr)
        return 1
    print("\n".join(ids))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
