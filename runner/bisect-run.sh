#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# git bisect run helper. make turns every failing recipe into exit 2, which
# git bisect would read as "bad"; this script keeps the runner's own codes:
# 0 good, 1 bad, 125 cannot test (build failed, no KVM, program missing).
#
# Bisecting a kernel tree (run from inside it):
#   git bisect run /path/to/desctest/runner/bisect-run.sh
# Bisecting desctest itself against one kernel tree:
#   KSRC=/path/to/linux git bisect run runner/bisect-run.sh
#
# Environment: KSRC (default: the current directory when it is a kernel
# tree, else desctest's default tree), OUTPUT, RESULTS, RUN_ARGS, PYTHON.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${KSRC:-}" ] && grep -q '^PATCHLEVEL = ' Makefile 2>/dev/null; then
	KSRC=$(pwd)
fi
out=${OUTPUT:-$top/.build/out-bisect}
if [ -n "${KSRC:-}" ]; then
	# UAPI headers follow the commit under test.
	make -s -C "$KSRC" headers >/dev/null 2>&1 || {
		echo "desctest: make headers failed in $KSRC; skipping this commit" >&2
		exit 125
	}
	set -- KSRC="$KSRC"
else
	set --
fi
make -C "$top" --no-print-directory all OUTPUT="$out" "$@" >&2 || {
	echo "desctest: build failed; skipping this commit" >&2
	exit 125
}
# ./desctest finds a Python with pytest ($PYTHON if set), 125 if none.
exec "$top/desctest" run --bisect --output "$out" --settings "$top/configs/settings" \
	--results "${RESULTS:-$top/results}" ${KSRC:+--ksrc "$KSRC"} ${RUN_ARGS:-}
