# SPDX-License-Identifier: GPL-2.0-only
"""Kernel splats in a VM console log.

From /init on the guest's console shows kernel warnings (tests/vm/init.sh),
so a WARN, BUG, oops, lockup or stall that a program provoked lands among
that program's framed output. A program the kernel splatted under has not
passed, whatever it printed itself.
"""

import re

# The first line of each kind of report, after an optional printk time
# stamp ("[   28.701437] ") and an optional prefix ("watchdog: ", "rcu: ").
_SPLAT = re.compile(
    r"^(?:\[\s*\d+\.\d+\]\s*)?(?:[\w-]+: )?"
    r"(WARNING: CPU: \d+ PID: \d+"
    r"|BUG: .*"
    r"|kernel BUG at .*"
    r"|Oops: .*"
    r"|general protection fault.*"
    r"|Kernel panic - not syncing.*"
    r"|INFO: rcu_\w+ (?:detected|self-detected) stalls?.*"
    r"|INFO: task .* blocked for more than .*"
    r"|UBSAN: .*)")


def splats(lines, first_line=1):
    """[(console line number, text)] of every report's first line."""
    found = []
    for n, line in enumerate(lines, first_line):
        if _SPLAT.match(line):
            found.append((n, line.strip()))
    return found
