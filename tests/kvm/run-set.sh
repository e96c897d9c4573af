#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# run-set.sh OUTPUT PROG...: run KVM programs built under OUTPUT (paths
# relative to it) and judge them: exit 0 is a pass, except that the
# *_unpatched builds must show the known bug (exit 0 with "# XFAIL"
# results), or skip every result with a reason (where the program cannot
# run at all, e.g. vmx_host_tr without VMX: nothing to show the bug on);
# 4 (skip), or exit 0 with every result skipped, is reported as a SKIP
# with the program's reason, never as a pass; exit 0 with no result at
# all fails.  Anything else
# fails the set.  Used by make kvm_build_6.1, where the runner's result
# files are not wanted (the default build's run owns results/).
set -u
out=$1
shift
bad=0
for p in "$@"; do
	log=$(mktemp)
	"$out/$p" >"$log" 2>&1
	rc=$?
	xfails=$(grep -c '^ok .* # XFAIL ' "$log")
	results=$(grep -cE '^(not )?ok ' "$log")
	skips=$(grep -c '^ok .* # SKIP .' "$log")
	case "$rc:$p" in
	0:*_unpatched)
		if [ "$xfails" -gt 0 ]; then
			verdict="XFAIL on $xfails vCPUs (known get_desc64_base() bug, as wanted)"
		elif [ "$results" -gt 0 ] && [ "$skips" -eq "$results" ]; then
			verdict="SKIP: every result: $(sed -n 's/^ok .* # SKIP //p' "$log" | head -n 1)"
		else
			verdict="FAIL (wanted XFAIL: the unpatched helper must show the bug)"; bad=1
		fi ;;
	0:*)
		if [ "$results" -eq 0 ]; then
			verdict="FAIL (exit 0 with no result: nothing was checked)"; bad=1
		elif [ "$skips" -eq "$results" ]; then
			verdict="SKIP: every result: $(sed -n 's/^ok .* # SKIP //p' "$log" | head -n 1)"
		else
			verdict="PASS ($((results - skips)) of $results results ran)"
		fi ;;
	4:*) verdict="SKIP: $(sed -n 's/.*# SKIP //p' "$log" | head -n 1)" ;;
	*) verdict="FAIL (exit $rc)"; bad=1 ;;
	esac
	echo "kvm_build_6.1: $p: $verdict"
	case "$verdict" in
	FAIL*) sed 's/^/    /' "$log" ;;
	esac
	rm -f "$log"
done
exit $bad
