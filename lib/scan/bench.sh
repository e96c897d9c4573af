#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: how long ./desctest scan takes on a kernel tree's
# directories.   bench.sh SCANNER KSRC DIR...
set -eu
scanner=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ksrc=$2
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
start=$(date +%s.%N)
rc=0
(cd "$ksrc" && DESCTEST_SCANNER=$scanner "$top/desctest" scan -q --format json "$@") >"$out" || rc=$?
end=$(date +%s.%N)
if [ "$rc" -gt 1 ]; then
	echo "desc_scan: the scan of $ksrc failed (exit $rc)" >&2
	exit 1
fi
files=$(sed -n 's/^ "files": \([0-9]*\),$/\1/p' "$out")
findings=$(grep -c '"line":' "$out" || true)
# DESCTEST_SCAN_JSON=file keeps the scan's JSON (for the triage).
[ -z "${DESCTEST_SCAN_JSON:-}" ] || cp "$out" "$DESCTEST_SCAN_JSON"
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
echo "desc_scan: $* of $(basename "$ksrc"): $files files, $findings findings in $secs s ($(nproc) CPUs; target under 300 s)"
