#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# boot.sh KERNEL INITRD CONSOLE.log
#
# Boot KERNEL with the desctest initramfs under QEMU TCG (-cpu max: the
# guest sees SVM, so kvm_amd loads inside; -smp 4 for per-CPU state; KASLR
# left on) and capture the serial console in CONSOLE.log.  Then say how
# the boot ended:
#   exit 0  the init script reached DESCTEST-DONE (QEMU is stopped as
#           soon as that line is on the console)
#   exit 1  kernel panic, hang (VM_TIMEOUT seconds, default 300), or the
#           kernel never started /init; the console tail is printed.
#   exit 130, 143, 129  stopped by SIGINT, SIGTERM, SIGHUP: QEMU is killed
#           and gone before the script exits.
# DESCTEST-DONE is read as a whole line (tests/vm/framing.sh).
# TCG because the paravirtual KVM here cannot run a normal kernel.
#
# One TCG thread for all vCPUs (thread=single): with QEMU 7.2's default
# multi-threaded TCG, 7 of 47 boots of Debian's 6.1 hung here with guest
# CPUs stuck (soft lockups at a just-patched static-branch NOP, around
# kvm_amd VM creation and teardown); single-threaded, 0 of 72 did under
# the same load, and a boot takes as long on 2 host cores.  softlockup_panic=1: a CPU stuck for
# 20 s ends the boot at once, its trace on the console, instead of waiting
# out VM_TIMEOUT.
set -uo pipefail

kernel=${1:?usage: boot.sh KERNEL INITRD CONSOLE.log}
initrd=${2:?}
log=${3:?}
limit=${VM_TIMEOUT:-300}
smp=${VM_SMP:-4}
append="console=ttyS0 panic=-1 loglevel=4 softlockup_panic=1 ${VM_APPEND:-}"

if ! command -v qemu-system-x86_64 >/dev/null; then
	echo "boot.sh: qemu-system-x86_64 not found: apt-get install qemu-system-x86" >&2
	exit 1
fi
here=$(dirname "$(readlink -f "$0")")
. "$here/framing.sh"
rm -f "$log"
start=$(date +%s%N)
: >"$log"
# Ctrl-C, SIGTERM or SIGHUP stop the emulator at once (emulator.sh): QEMU
# and the timeout wrapper around it are stopped and waited for, then the
# script exits 128 + the signal.  (A background job of a script ignores
# SIGINT, so QEMU never sees a Ctrl-C by itself.)
. "$here/emulator.sh"
emulator_traps QEMU
timeout -k 5 "$limit" qemu-system-x86_64 -accel tcg,thread=single -cpu max -smp "$smp" -m 1G \
	-nodefaults -display none -monitor none -no-reboot \
	-serial "file:$log" -kernel "$kernel" -initrd "$initrd" \
	-append "$append" </dev/null &
qemu=$! emulator=$!
# The suite's end marker is all a run needs: stop the VM then, instead of
# waiting for a kernel that cannot power the machine off to reach
# VM_TIMEOUT (a kernel without ACPI power-off sat there for minutes).
while kill -0 "$qemu" 2>/dev/null; do
	if desctest_has_frame DONE "$log"; then
		sleep 1
		kill "$qemu" 2>/dev/null
		break
	fi
	sleep 0.5
done
wait "$qemu"
rc=$?
emulator=
ms=$(( ($(date +%s%N) - start) / 1000000 ))
secs=$((ms / 1000)).$(( ms % 1000 / 100 ))
touch "$log"

. "$here/boot-verdict.sh"
boot_verdict "$log" "$rc" "$secs" "QEMU TCG" VM_TIMEOUT "$limit" && exit 0
boot_console_tail "$log"
exit 1
