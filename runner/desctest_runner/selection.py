# SPDX-License-Identifier: GPL-2.0-only
"""Which programs a glob names, one rule for every place that narrows the
suite: the runner's --filter (config.read_list), VM_ONLY / VM_EXCLUDE of
the guests (tests/vm/vm-run.sh), bisect-run.sh's --filter and what it
builds (runner/build-programs.sh).

A program is collection:test (kvm:dt_regs), its file OUTPUT/collection/
test (kvm/dt_regs).  A glob (fnmatch, case-sensitive: * ? [...] [!...])
names the program when it matches either form, so 'host:umip*' and
'host/umip*' name the same programs.

As a command (stdlib only, any Python 3):

  python3 -m desctest_runner.selection [--exclude GLOB]... [GLOB...]

reads program names (one a line; blank lines and # comments skipped)
on stdin and prints, in their order, those that match a GLOB (every one
when no GLOB is given) and no --exclude GLOB.  Exit 0 when it printed at
least one, 1 when none was left (one line on stderr saying which globs),
2 on a bad command line."""

import fnmatch
import sys


def matches(prog, glob):
    """True when glob names prog (collection:test) by its name or by its
    path under OUTPUT."""
    path = prog.replace(":", "/", 1)
    return fnmatch.fnmatchcase(prog, glob) or fnmatch.fnmatchcase(path, glob)


def select(progs, only=(), exclude=()):
    """The programs of progs, in order, that some glob of only names (all
    when only is empty) and no glob of exclude names."""
    return [p for p in progs
            if (not only or any(matches(p, g) for g in only))
            and not any(matches(p, g) for g in exclude)]


def _names(text):
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def main(argv, stdin, stdout, stderr):
    only, exclude = [], []
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--exclude":
            if not args:
                stderr.write("selection: --exclude needs a GLOB\n")
                return 2
            exclude.append(args.pop(0))
        elif a.startswith("--exclude="):
            exclude.append(a[len("--exclude="):])
        elif a == "--":
            only.extend(args)
            break
        elif a.startswith("-"):
            stderr.write("selection: unknown option %s (want --exclude "
                         "GLOB, then GLOBs)\n" % a)
            return 2
        else:
            only.append(a)
    progs = _names(stdin.read())
    if not progs:
        stderr.write("selection: no program names on stdin\n")
        return 1
    chosen = select(progs, only, exclude)
    if not chosen:
        what = []
        if only:
            what.append("%s matches none of" % " ".join(only))
        if exclude:
            what.append("--exclude %s leaves none of" % " ".join(exclude))
        stderr.write("selection: %s the %d programs (%s)\n" % (
            " and ".join(what), len(progs), " ".join(progs)))
        return 1
    stdout.write("".join(p + "\n" for p in chosen))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], sys.stdin, sys.stdout, sys.stderr))
