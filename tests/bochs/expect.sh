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
#
# kvm:vmx_host_tr and kvm:vmx_host_tr_unpatched are held to their exact
# outcomes per result name (vmx_outcomes below): for each vCPU I that
# printed "# vcpuI TSS base B", vcpuI_host_tr_base and vcpuI_vmexit_ist
# must both be there; in vmx_host_tr both pass; in vmx_host_tr_unpatched
# both are XFAIL where the helper's sign extension changes B (bits 31:24
# >= 0x80 and bits 63:32 not all ones, worked out here from B) and both
# pass elsewhere; no other result may appear.
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

# vmx_outcomes PROGRAM BLOCK: the exact outcome of every result of
# kvm:vmx_host_tr[_unpatched], from the TSS bases its block printed.
vmx_outcomes() {
	local prog=$1 block=$2 bad=0 i base want seen name n=0 xf= ps=
	local -A outcome=()

	while read -r name seen; do
		outcome[$name]=$seen
	done < <(LC_ALL=C awk '
		/^not ok [0-9]+ / { print $4, "FAIL"; next }
		/^ok [0-9]+ .* # XFAIL/ { print $3, "XFAIL"; next }
		/^ok [0-9]+ .* # SKIP/ { print $3, "SKIP"; next }
		/^ok [0-9]+ .* # / { print $3, "OTHER"; next }
		/^ok [0-9]+ / { print $3, "pass" }' <<<"$block")
	while read -r i base; do
		want=pass
		if [ "$prog" = kvm:vmx_host_tr_unpatched ] &&
		   (( ((base >> 24) & 0xff) >= 0x80 &&
		      ((base >> 32) & 0xffffffff) != 0xffffffff )); then
			want=XFAIL
		fi
		[ "$want" = XFAIL ] && xf+=" $i" || ps+=" $i"
		for name in "vcpu${i}_host_tr_base" "vcpu${i}_vmexit_ist"; do
			seen=${outcome[$name]:-missing}
			unset "outcome[$name]"
			if [ "$seen" != "$want" ]; then
				echo "bochs_tests: $prog $name: seen $seen wanted $want (TSS base $base)"
				bad=1
			fi
		done
		n=$((n + 1))
	done < <(sed -n 's/^# vcpu\([0-9][0-9]*\) TSS base \(0x[0-9a-f]*\) .*/\1 \2/p' <<<"$block")
	for name in "${!outcome[@]}"; do
		echo "bochs_tests: $prog $name: seen ${outcome[$name]} wanted no such result (no \"# vcpuI TSS base\" line names it)"
		bad=1
	done
	if [ "$n" -eq 0 ]; then
		echo "bochs_tests: $prog printed no \"# vcpuI TSS base\" line: nothing to hold its results to"
		bad=1
	fi
	[ "$bad" -eq 0 ] && echo "bochs_tests: $prog: every result as wanted: XFAIL on vCPUs${xf:- none}, pass on vCPUs${ps:- none}"
	return "$bad"
}

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
	case $prog in
	kvm:vmx_host_tr | kvm:vmx_host_tr_unpatched)
		vmx_outcomes "$prog" "$block" || rc=1 ;;
	esac
done
exit $rc
