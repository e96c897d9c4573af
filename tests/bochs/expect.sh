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
# run looked green.  Then, where the console holds them:
#   module:gdtr_vmx_exit   the desctest_tss module took its VMX VM exit
#                          allowance (GDTR limit 0xffff) on at least one CPU
#                          while the vCPUs ran, and every CPU's GDTR limit
#                          was 0x7f once they were gone
#   module:tss_module_test its results are exactly cpuN_gdtr and
#                          cpuN_tss_descriptor for each CPU: none whose
#                          outcome depends on the boot
# Exit 1, saying which, when not.
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

# The lines of program $1: from its BEGIN line to its END line.
prog_block() {
	desctest_console_lines "$console" | LC_ALL=C awk -v p="$1" \
		-v end="$(desctest_frame_re END)" '
		$0 == "DESCTEST-BEGIN " p { on = 1; next }
		on && $0 ~ end && $2 == p { exit }
		on { print }'
}

for prog in "$@"; do
	block=$(prog_block "$prog")
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

cpus=$(sed -n 's/^DESCTEST-INFO cpus=//p' <<<"$info" | head -n 1)

# The module's allowance for a GDTR limit of 0xffff, taken while a vCPU
# spun in KVM_RUN on each CPU, and gone with them.
block=$(prog_block module:gdtr_vmx_exit)
if [ -n "$block" ]; then
	taken=$(grep -E '^# \[while vCPUs run\] # cpu[0-9]+ GDTR limit 0xffff accepted \(VMX VM exit allowance\)$' <<<"$block" |
		sed -E 's/^.*# (cpu[0-9]+) .*$/\1/' | tr '\n' ' ')
	if [ -z "$taken" ]; then
		echo "bochs_tests: module:gdtr_vmx_exit: the VMX VM exit allowance (GDTR limit 0xffff) was taken on 0 CPUs while the vCPUs ran, wanted at least 1"
		rc=1
	else
		echo "bochs_tests: module:gdtr_vmx_exit: VMX VM exit allowance taken on ${taken% } while the vCPUs ran"
	fi
	wrong=
	for ((c = 0; c < ${cpus:-0}; c++)); do
		grep -qxF "# [after vCPUs exit] # cpu$c: GDTR limit (GDT_SIZE - 1) seen 0x7f wanted 0x7f" <<<"$block" ||
			wrong="$wrong cpu$c"
	done
	if [ -z "$cpus" ] || [ -n "$wrong" ]; then
		echo "bochs_tests: module:gdtr_vmx_exit: GDTR limit not 0x7f after the vCPUs exited on${wrong:- (no cpus= line)}:"
		grep -E '^# \[after vCPUs exit\] # cpu[0-9]+.*GDTR limit' <<<"$block" | head -n 4 | sed 's/^/    /'
		rc=1
	else
		echo "bochs_tests: module:gdtr_vmx_exit: GDTR limit 0x7f on all $cpus CPUs after the vCPUs exited"
	fi
fi

# The module's results: two per CPU, named for what they check.
block=$(prog_block module:tss_module_test)
if [ -n "$block" ]; then
	seen=$(grep -E '^(not )?ok [0-9]+ ' <<<"$block" | sed -E 's/^(not )?ok [0-9]+ ([^ ]*).*$/\2/' | LC_ALL=C sort)
	wanted=$(for ((c = 0; c < ${cpus:-0}; c++)); do echo "cpu${c}_gdtr"; echo "cpu${c}_tss_descriptor"; done | LC_ALL=C sort)
	if [ "$seen" != "$wanted" ]; then
		echo "bochs_tests: module:tss_module_test: result names seen $(tr '\n' ' ' <<<"$seen")wanted $(tr '\n' ' ' <<<"$wanted")<-- MISMATCH"
		rc=1
	else
		echo "bochs_tests: module:tss_module_test: results cpuN_gdtr and cpuN_tss_descriptor on each of $cpus CPUs, no other"
	fi
fi
exit $rc
