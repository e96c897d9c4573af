#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""skip_lines.py [FILE...]: the rule for every program's SKIP lines.

Linaro's generic kselftest.yaml appends a SKIP's reason to its LAVA case
name, so the reason on an "ok ... # SKIP" line must read the same on
every machine: no value (path, kernel release, CPU number, errno text,
register) in it; the values go in the "# " lines before it. In the C and
C++ sources of the programs (tests/, lib/), every call that writes such a
line must pass its reason as string literals alone:

  SKIP(statement, "reason")            kselftest_harness.h
  dt_result_skip(name, "reason\\n")     desctest/ksft.h
  ksft_test_result_skip("reason\\n")    kselftest.h
  k.skip(name, "reason")               desctest/ktap.hpp
  ... "SKIP", "reason" ...             DT_KTAP_DIRECTIVE_FMT's arguments

with no conversion in it ("%%" aside) and no argument after it; and no
literal holds "# SKIP %" (a printf writing the line itself). A call whose
reason is a constant chosen at run time (a function returning one of a
few literals) says so with the comment "SKIP reason: constant" on the
line above. The writers themselves (include/desctest/) are not programs.
Prints each offence as FILE:LINE: text; exit 1 if any, else 0."""

import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
CALLS = [(re.compile(r"\bSKIP\s*\("), 1), (re.compile(r"\bdt_result_skip\s*\("), 1),
         (re.compile(r"\bksft_test_result_skip\s*\("), 0),
         (re.compile(r"\.skip\s*\("), 1)]
MARK = "SKIP reason: constant"
class _Conv:
    """A printf conversion: a "%" that is not half of "%%"."""
    @staticmethod
    def search(text):
        return "%" in text.replace("%%", "")


CONV = _Conv()
STR = re.compile(r'"(?:[^"\\]|\\.)*"')
CHR = re.compile(r"'(?:[^'\\]|\\.)*'")


def strip_comments(text):
    """Comments blanked (newlines kept), strings kept."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text[i] in "\"'":
            m = (STR if text[i] == '"' else CHR).match(text, i)
            j = m.end() if m else i + 1
            out.append(text[i:j])
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def args_at(text, i):
    """The arguments of the call whose "(" is at i, as source strings."""
    depth, start, args, j = 0, i + 1, [], i
    while j < len(text):
        c = text[j]
        if c == '"' or c == "'":
            m = (STR if c == '"' else CHR).match(text, j)
            j = m.end() if m else j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append(text[start:j].strip())
                return args
        elif c == "," and depth == 1:
            args.append(text[start:j].strip())
            start = j + 1
        j += 1
    return args


def literal_only(arg):
    """The concatenated text when arg is string literals alone, else None."""
    rest = STR.sub("", arg).strip()
    if rest or not STR.search(arg):
        return None
    return "".join(m.group(0)[1:-1] for m in STR.finditer(arg))


def check_text(path, raw):
    bad = []
    text = strip_comments(raw)
    lines = raw.splitlines()

    def line_of(pos):
        return raw.count("\n", 0, pos) + 1

    def marked(ln):
        return ln >= 2 and MARK in lines[ln - 2]

    for rx, k in CALLS:
        for m in rx.finditer(text):
            if rx.pattern.startswith(r"\bSKIP") and text[:m.start()].rstrip().endswith("#define"):
                continue
            args = args_at(text, m.end() - 1)
            ln = line_of(m.start())
            if len(args) <= k or marked(ln):
                continue
            reason = literal_only(args[k])
            if reason is None:
                bad.append((ln, "the SKIP reason is not a string literal: %s" % args[k]))
            elif CONV.search(reason):
                bad.append((ln, "the SKIP reason has a conversion: \"%s\"" % reason))
            elif len(args) > k + 1:
                bad.append((ln, "the SKIP reason takes arguments: %s" % ", ".join(args[k + 1:])))
    for m in re.finditer(r'"SKIP"\s*,', text):
        rest = text[m.end():].lstrip()
        ln = line_of(m.start())
        if marked(ln):
            continue
        lit = STR.match(rest)
        if not lit:
            bad.append((ln, "the SKIP reason is not a string literal"))
        elif CONV.search(lit.group(0)):
            bad.append((ln, "the SKIP reason has a conversion: %s" % lit.group(0)))
    for m in STR.finditer(text):
        if "# SKIP %" in m.group(0) and not marked(line_of(m.start())):
            bad.append((line_of(m.start()), "a format writes a SKIP line with a value: %s" % m.group(0)))
    return [(path, ln, why) for ln, why in sorted(set(bad))]


def sources():
    for sub in ("tests", "lib"):
        for d, dirs, files in os.walk(os.path.join(TOP, sub)):
            dirs[:] = [x for x in dirs if x not in ("fixtures", "unit")]
            for f in files:
                if f.endswith((".c", ".cc", ".cpp", ".h", ".hpp")):
                    yield os.path.join(d, f)


def main(argv):
    files = argv or sorted(sources())
    bad = []
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            bad += check_text(os.path.relpath(path, TOP), f.read())
    for path, ln, why in bad:
        print("%s:%d: %s" % (path, ln, why))
    if not bad:
        print("skip_lines: ok: %d source files, every SKIP reason a constant" % len(files))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
