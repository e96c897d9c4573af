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

# Upstream's program names (without _64/_32), in the order they run.
X86 = (
    "ldt_gdt",                  # modify_ldt, set_thread_area: LDT/GDT
    "sigreturn",                # CS/SS (16-bit, LDT) through sigreturn
    "sysret_ss_attrs",          # SS attributes after SYSRET
    "syscall_arg_fault",        # entry with a bad stack/SS
    "fsgsbase",                 # FS/GS selectors and bases
    "fsgsbase_restore",         # the same across ptrace/signals
    "iopl",                     # IOPL and the TSS I/O permission
    "ioperm",                   # the TSS I/O bitmap
    "entry_from_vm86",          # vm86 segment state, TSS sp0 (32-bit)
    "test_vsyscall",            # the vsyscall page and its emulation
    "sysret_rip",               # non-canonical RIP on SYSRET
    "syscall_nt",               # EFLAGS.NT (task nesting) on entry
    "single_step_syscall",      # TF over SYSCALL/SYSENTER (#DB, IST)
    "check_initial_reg_state",  # segment registers at exec
)

SUITES = {"x86": X86}
LOG = "build.log"


def selftests_dir(ksrc, suite):
    return os.path.join(ksrc, "tools", "testing", "selftests", suite)


def build(suite, top, output, ksrc, settings, filters=()):
    """Build SUITE's programs from ksrc into OUTPUT/SUITE; return them as
    Programs (timeouts and rule from settings), those filters match."""
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
    names = SUITES[suite]
    # Not desctest's make's flags and variables (OUTPUT, -j...): upstream's
    # Makefile, as run_kselftest.sh's tree is built.
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    with open(log, "w") as f:
        p = subprocess.run(["make", "-C", src, "OUTPUT=" + dest] +
                           list(names), stdout=f, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, env=env)
    if p.returncode != 0:
        raise InputError("building %s's %s selftests failed (make exit %d); "
                         "see %s" % (ksrc, suite, p.returncode, log))
    if not any(os.path.isfile(os.path.join(dest, n + "_32"))
               for n in names):
        print("desctest: %s: no 32-bit programs built (gcc -m32 cannot "
              "link here: install gcc-multilib); the 64-bit ones run"
              % suite, file=sys.stderr)
    default, per, strict = read_all_settings(settings)
    progs = []
    for name in names:
        for bits in ("64", "32"):
            test = "%s_%s" % (name, bits)
            if not os.path.isfile(os.path.join(dest, test)):
                continue
            prog = Program(suite, test, None, suite in strict)
            prog.timeout = per.get(prog.path, default)
            if filters and not any(fnmatch.fnmatchcase(prog.id, g) or
                                   fnmatch.fnmatchcase(prog.path, g)
                                   for g in filters):
                continue
            progs.append(prog)
    return progs


def built(suite, output):
    """The programs of SUITE under OUTPUT/SUITE (collection:test)."""
    dest = os.path.join(output, suite)
    return ["%s:%s_%s" % (suite, n, b) for n in SUITES[suite]
            for b in ("64", "32")
            if os.path.isfile(os.path.join(dest, "%s_%s" % (n, b)))]
