#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# expect.sh CONSOLE.txt PROGRAM...
#
# What make bochs_tests is for, checked on its console after the runner
# filed it: KVM in the guest was kvm_intel with nested virtualization on,
# and each PROGRAM (collection:test) ran there without skipping anything.
# A program that SKIPs is fine for the runner (no VMX is a valid reason
# elsewhere), but here it would mean the VMX path went untested while the
# run looked green.  Exit 1, saying which, when not.
set -uo pipefail

console=${1:?usage: expect.sh CONSOLE.txt PROGRAM...}
shift
rc=0
# DESCTEST- lines are whole lines (tests/vm/framing.sh).
. "$(dirname "$(readlink -f "$0")")/../vm/framing.sh"

info=$(desctest_frames INFO "$console")
kvm=$(sed -n 's/^DESCTEST-INFO kvm=//p' <<<"$info" | head -n 1)
nested=$(sed -n 's/^DESCTEST-INFO kvm_intel.nested=//p' <<<"$info" | head -n 1)
if [ "$kvm" != kvm_intel ]; then
	echo "bochs_tests: KVM in the Bochs guest was '${kvm:-not reported}', wanted kvm_intel: nothing ran on VMX"
	exit 1
fi
case $nested in
Y | 1) ;;
*) echo "bochs_tests: kvm_intel's nested parameter was '${nested:-not reported}', wanted Y: no VMX for the KVM programs' guests"
   rc=1 ;;
esac

for prog in "$@"; do
	# The program's block: from its BEGIN line to its END line.
	block=$(desctest_console_lines "$console" | LC_ALL=C awk -v p="$prog" \
		-v end="$(desctest_frame_re END)" '
		$0 == "DESCTEST-BEGIN " p { on = 1; next }
		on && $0 ~ end && $2 == p { exit }
		on { print }')
	if [ -z "$block" ]; then
		echo "bochs_tests: $prog did not run in the Bochs guest"
		rc=1
		continue
	fi
	results=$(grep -Ec '^(not )?ok [0-9]+ ' <<<"$block")
	skips=$(grep -Ec '^(ok [0-9]+ .* # SKIP|1\.\.0 # SKIP)' <<<"$block")
	xfails=$(grep -Ec '^ok [0-9]+ .* # XFAIL' <<<"$block")
	if [ "$skips" -ne 0 ] || [ "$results" -eq 0 ]; then
		echo "bochs_tests: $prog skipped on kvm_intel ($skips of $results results):"
		grep -E '# SKIP' <<<"$block" | head -n 3 | sed 's/^/    /'
		rc=1
		continue
	fi
	echo "bochs_tests: $prog ran on kvm_intel (nested=$nested): $results results, $xfails XFAIL, none skipped"
done
exit $rc
