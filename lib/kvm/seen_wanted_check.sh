#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# seen_wanted_check.sh FILE...: no hand-written seen-vs-wanted printer
# left in these programs.  Every "seen ... wanted" line goes through the
# one format of include/desctest/ktap.h (DT_SEEN_WANTED_FMT with
# dt_mismatch_mark(): "0x0" for zero, the MISMATCH mark when they
# differ), by dt_check_eq(), DT_CHECK() or dt_vcpu_expect_eq(); so no
# string literal may hold "seen" or "wanted" before a printf conversion,
# nor a MISMATCH mark of its own.  Prints each offending line; exit 1 if
# any, else 0.
set -u
bad=$(grep -nE '"[^"]*\<(seen|wanted)\>[^"]*%[-#0-9.]*(ll|l|h|hh|z)?[diuxXsc]|"[^"]*<-- MISMATCH' "$@")
if [ -n "$bad" ]; then
	echo "seen_wanted_check: hand-written seen/wanted printers (use dt_check_eq(), DT_CHECK() or DT_SEEN_WANTED_FMT):"
	sed 's/^/    /' <<<"$bad"
	exit 1
fi
echo "seen_wanted_check: $# files, every seen/wanted line through DT_SEEN_WANTED_FMT"
