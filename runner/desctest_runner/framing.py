# SPDX-License-Identifier: GPL-2.0-only
"""The console framing of tests/vm/init.sh (DESCTEST-MACHINE, -INFO,
-BEGIN, -END, -DONE), read from its one definition, tests/vm/framing.sh,
which the shell readers (boot.sh, boot-verdict.sh, vm-run.sh, the Bochs
boot.sh, bisect-run.sh) source.  Lines end at LF, CR LF or a lone CR; a
frame is a whole line: "DESCTEST-<KIND>" followed by text matching that
file's DESCTEST_FRAME_<KIND> over the whole rest of the line; anything else
(the same words inside a program's output) is output."""

import os
import re

DEFINITION = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          os.pardir, os.pardir, "tests", "vm", "framing.sh")

_ASSIGN = re.compile(r"DESCTEST_FRAME_([A-Z]+)='([^']*)'")


def load(path=DEFINITION):
    """{kind: compiled whole-line pattern} from framing.sh, in the order of
    its DESCTEST_FRAME_KINDS. RuntimeError naming the file when it is
    missing or does not define every kind."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise RuntimeError("the console framing definition %s: %s; run "
                           "desctest from a full checkout"
                           % (os.path.normpath(path), e.strerror)) from None
    found = {}
    for line in text.splitlines():
        m = _ASSIGN.fullmatch(line.strip())
        if m:
            found[m.group(1)] = m.group(2)
    kinds = found.pop("KINDS", "").split()
    if not kinds or any(k not in found for k in kinds) or \
            any("\\" in p for p in found.values()):
        raise RuntimeError("%s does not define DESCTEST_FRAME_KINDS and a "
                           "backslash-free DESCTEST_FRAME_<KIND> for each "
                           "kind" % os.path.normpath(path))
    # The patterns are extended regular expressions without backslashes
    # or literal parentheses: as Python ones they only need their groups
    # made non-capturing.
    return {k: re.compile("DESCTEST-%s%s" % (k, found[k].replace("(", "(?:")))
            for k in kinds}


PATTERNS = load()
# The fields of an END frame's argument (a line frame() has accepted).
END_FIELDS = re.compile(r"(\S+) rc=(-?\d+)(?: ms=(\d+))?")


# A kernel message's start inside a console line: framing.sh's
# DESCTEST_KMSG_START (see there for the rule unsplice() applies).
KMSG_START = re.compile(r"\[ *[0-9]+[.][0-9]+\] ")


def unsplice(items):
    """(number, line, extra) items of a console, with the kernel messages
    that landed inside a line taken out as lines of their own and the
    line made whole again (framing.sh's rule); a made-whole line keeps
    the number and extra of the piece that ended it."""
    held = None
    for n, line, extra in items:
        if held is not None:
            if KMSG_START.match(line):
                yield n, line, extra
                continue
            line, held = held + line, None
        m = KMSG_START.search(line)
        if m and m.start() > 0:
            held = line[:m.start()]
            yield n, line[m.start():], extra
            continue
        yield n, line, extra
    if held is not None:
        yield n, held, extra


def split_lines(text):
    """A console log's lines as framing.sh reads them: ended by LF, CR LF
    or a lone CR (universal newlines), nowhere else (not at a form feed or
    the other breaks str.splitlines() knows), kernel messages spliced out
    (unsplice())."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [l for _, l, _ in unsplice((0, l, None) for l in lines)]


def frame(line):
    """(kind, argument) when line (one of split_lines()) is a framing
    line, else None; the argument is the text after "DESCTEST-<KIND> "
    ("" for DONE)."""
    for kind, pattern in PATTERNS.items():
        if pattern.fullmatch(line):
            return kind, line[len("DESCTEST-") + len(kind) + 1:]
    return None
