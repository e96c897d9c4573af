#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# pin_check.sh OUTPUT SHIM: the programs that pin themselves to a CPU
# treat a pin after which the kernel reports another CPU alike, as a
# FAIL with the CPU seen beside the CPU wanted (dt_pin_outcome() of
# include/desctest/affinity.h).  SHIM (fake_getcpu.so) makes the getcpu
# system call report CPU 0 while the program runs on CPU 1; umip's
# sgdt_per_cpu and percpu_gdt's cpu1 tests must then fail with that line.
set -u
out=$1 shim=$2
fail=0

if ! taskset -c 0,1 true 2>/dev/null; then
	echo "pin_check: skipped: needs CPUs 0 and 1 in this task's CPU set (taskset -c 0,1 failed)"
	exit 0
fi

want_line='# cpu 1: the kernel'"'"'s CPU after the pin (getcpu) seen 0x0 wanted 0x1  <-- MISMATCH'

# run NAME WANT-RC WANT-RESULT-LINE PROGRAM ARGS...
run() {
	local name=$1 want_rc=$2 want_result=$3 log rc
	shift 3
	log=$(DESCTEST_FAKE_GETCPU=1:0 LD_PRELOAD=$shim taskset -c 0,1 "$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want_rc" ]; then
		echo "pin_check: $name: exit code seen $rc wanted $want_rc"; fail=1
	fi
	for want in "$want_line" "$want_result"; do
		if ! grep -qxF -- "$want" <<<"$log"; then
			echo "pin_check: $name: no line '$want' in its output:"
			sed 's/^/    /' <<<"$log" | tail -n 25
			fail=1
		fi
	done
}

run "umip sgdt_per_cpu" 1 "not ok 1 umip.sgdt_per_cpu" \
	"$out/host/umip" -t sgdt_per_cpu
run "percpu_gdt cpu1" 1 "not ok 2 percpu.cpu1.lsl_cpunode" \
	"$out/host/percpu_gdt" -t lsl_cpunode
[ $fail -eq 0 ] && echo "pin_check: umip and percpu_gdt fail alike on a pin the kernel does not confirm"
exit $fail
