#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# idt_check.sh DT_REGS...: each kvm:dt_regs build given runs, and the IDT
# every vCPU reads back with SIDT must be the one the host chose for it
# (dt_pcpu_idt_base(i), lib/kvm/pcpu_tables.c: the page after its GDT),
# not an IDTR that KVM merely reported back: for vCPUs 0-7, the exact
# lines of vcpuI_idtr, wanted values written out below (bits 31:24 of
# vCPUs 0, 2, 4, 6 and 7 are 0x80 or more).  Exit 0 when every build's
# lines are there and it passed, else 1; a build that cannot open
# /dev/kvm (exit 4, its SKIP line) is named and counts as passed.
set -u
idt=(0xfffffe3cf8d66000 0x4012346000 0x40a0b1d000 0xffffc9407f6e6000
     0x7f5280a02000 0xffff88c17e003000 0xffffffbf81c04000 0x40ff7c5000)
fail=0

for prog in "$@"; do
	log=$("$prog" 2>&1)
	rc=$?
	if [ "$rc" -eq 4 ]; then
		echo "idt_check: $prog: skipped: $(grep -m1 '^1\.\.0' <<<"$log")"
		continue
	fi
	if [ "$rc" -ne 0 ]; then
		echo "idt_check: $prog: exit code seen $rc wanted 0"; fail=1
	fi
	for i in "${!idt[@]}"; do
		b=${idt[$i]}
		for want in "# vcpu$i: IDTR.base (sidt vs installed) seen $b wanted $b" \
			    "# vcpu$i: IDTR.limit (sidt vs installed) seen 0xfff wanted 0xfff" \
			    "# vcpu$i: IDTR.base (sidt vs KVM_GET_SREGS) seen $b wanted $b" \
			    "ok $((4 * i + 2)) vcpu${i}_idtr"; do
			if ! grep -qxF -- "$want" <<<"$log"; then
				echo "idt_check: $prog: no line '$want'; its vcpu$i IDTR lines:"
				grep -E "^# vcpu$i: IDTR|vcpu${i}_idtr" <<<"$log" | sed 's/^/    /'
				fail=1
			fi
		done
	done
	[ $fail -ne 0 ] || echo "idt_check: $prog: every vCPU reads back the IDT the host installed"
done
exit $fail
