# SPDX-License-Identifier: GPL-2.0-only
#
# Sourced by tests/vm/boot.sh (QEMU) and tests/bochs/boot.sh (Bochs) once
# the emulator has stopped:
#
#   boot_verdict LOG RC SECS EMULATOR LIMIT_NAME LIMIT [DONE_NOTE]
#
# says in one line how the boot behind console LOG ended (the emulator's
# exit status RC after SECS seconds under LIMIT_NAME=LIMIT) and returns 0
# when the init script reached DESCTEST-DONE, else 1 (panic, hang, no
# /init, the emulator gone); the caller then prints what it knows and
# boot_console_tail.  The DESCTEST- lines are read as whole lines
# (framing.sh): a program printing "DESCTEST-DONE-ish" ends nothing.

. "$(dirname "${BASH_SOURCE[0]}")/framing.sh"

boot_verdict() {
	local log=$1 rc=$2 secs=$3 emu=$4 limit_name=$5 limit=$6 note=${7:-}
	local kernel=${kernel:-the kernel} last

	if desctest_has_frame DONE "$log"; then
		echo "boot.sh: ${kernel##*/} ran to DESCTEST-DONE in $secs s under $emu$note"
		return 0
	fi
	if grep -q 'Kernel panic' "$log"; then
		echo "boot.sh: KERNEL PANIC after $secs s booting $kernel under $emu"
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		if desctest_has_frame MACHINE "$log"; then
			last=$(desctest_frames BEGIN "$log" | tail -n 1 | cut -d' ' -f2)
			echo "boot.sh: HANG: no DESCTEST-DONE within $limit_name=$limit s (${last:+last program started: }${last:-before the first program})"
		else
			echo "boot.sh: HANG: $kernel never reached /init within $limit_name=$limit s"
		fi
	elif ! desctest_has_frame MACHINE "$log"; then
		echo "boot.sh: NO INIT: $emu stopped (exit $rc) before /init printed DESCTEST-MACHINE"
	else
		echo "boot.sh: $emu stopped (exit $rc) before DESCTEST-DONE"
	fi
	return 1
}

# The last 40 lines of console LOG, framed.
boot_console_tail() {
	echo "---- last 40 console lines ($1) ----"
	tail -n 40 "$1" | tr -d '\r'
	echo "----"
}
