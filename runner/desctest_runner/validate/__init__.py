# SPDX-License-Identifier: GPL-2.0-only
"""desctest validate: a patch before it is sent.

command  the command line and the steps (Validation)
patches  reading patches, series and mboxes
trees    the before and after trees, never the user's own
sides    building and running the suite on one side (host, vm, kernel)
checks   checkpatch.pl, get_maintainer.pl, Signed-off-by, Fixes:, prefix
report   report.md and the verdict"""

from .command import add_parser, main  # noqa: F401
