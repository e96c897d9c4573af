#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# boot.sh KERNEL INITRD CONSOLE.log
#
# Boot KERNEL with the desctest initramfs under Bochs, an emulated Intel
# CPU with VMX (cpu model corei7_skylake_x: VMX with EPT and unrestricted
# guest, so kvm_intel loads inside with nested=1), and capture the serial
# console in CONSOLE.log.  Called by tests/vm/vm-run.sh (--boot) in place
# of QEMU's boot.sh, with the same contract:
#   exit 0  the init script reached DESCTEST-DONE (Bochs is stopped as soon
#           as that line is on the console)
#   exit 1  kernel panic, hang (BOCHS_TIMEOUT seconds of wall clock,
#           default 900), Bochs itself stopping (its log's last lines are
#           printed), or the kernel never started /init; the console tail
#           is printed.
#   exit 130, 143, 129  stopped by SIGINT, SIGTERM, SIGHUP: Bochs is
#           killed and gone before the script exits.
#
# Bochs has no direct kernel boot: mkimage.sh puts the kernel and initrd
# on a FAT disk that syslinux boots.  Headless: Debian's Bochs has no
# "nogui" display library, so the RFB (VNC) one runs without waiting for a
# client; its debugger is built in, so the -rc file says "continue".  The
# guest's clock follows the emulated instruction count (clock: sync=none)
# and runs several times slower than the wall clock, which is why the
# limit is kept here, on the host, in wall-clock seconds.
set -uo pipefail

kernel=${1:?usage: boot.sh KERNEL INITRD CONSOLE.log}
initrd=${2:?}
log=${3:?}
limit=${BOCHS_TIMEOUT:-900}
# panic=0: a panicking kernel stays down; the watch below stops Bochs
# (with a reboot Bochs would boot the disk again).
# 115200 baud: Bochs times the serial port by its divisor, and the
# default 9600 spends guest seconds on each program's output.
append="console=ttyS0,115200 panic=0 loglevel=4 ${BOCHS_APPEND:-}"
here=$(dirname "$(readlink -f "$0")")
work=$(dirname "$(readlink -f "$log")")

if ! command -v bochs >/dev/null; then
	echo "boot.sh: bochs not found: apt-get install bochs bochsbios vgabios" >&2
	exit 1
fi
image=$work/disk.img
cyls=$("$here/mkimage.sh" "$image" "$kernel" "$initrd" "$append") || exit 1

bxlog=$work/bochs.log
cat >"$work/bochsrc" <<CFG
# Written by tests/bochs/boot.sh.
# ALSA is absent on a headless machine and Bochs 2.7's ALSA sound driver
# then aborts while reading this file (a fortified buffer overflow): no
# sound driver at all.
# ignore_bad_msrs=1: Bochs's corei7_skylake_x has no IA32_MISC_ENABLE
# (MSR 0x1a0), which the kernel's verify_cpu reads on an Intel CPU before
# it has an IDT; with 0 the #GP triple-faults the boot ("RDMSR: Unknown
# register 0x1a0", "3rd (13) exception with no resolution").  Every
# unknown MSR then reads 0 and ignores writes (tests/bochs/README.md).
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
memory: guest=1024, host=1024
cpu: model=corei7_skylake_x, count=${BOCHS_CPUS:-2}, ips=50000000, reset_on_triple_fault=0, ignore_bad_msrs=1
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=disk, path=$image, mode=flat, cylinders=$cyls, heads=16, spt=63
boot: disk
com1: enabled=1, mode=file, dev=$log
display_library: rfb, options="timeout=0"
clock: sync=none, time0=local
log: $bxlog
debug: action=ignore
info: action=ignore
error: action=ignore
panic: action=fatal
CFG
echo c >"$work/bochs.rc"

# Bochs locks a disk image with IMAGE.lock and leaves the lock behind
# when it is killed, as every run here ends; the image is new each time.
rm -f "$log" "$bxlog" "$image.lock"
start=$(date +%s%N)
: >"$log"
# Ctrl-C, SIGTERM or SIGHUP stop Bochs at once (tests/vm/emulator.sh):
# Bochs and its timeout wrapper are stopped and waited for, then the
# script exits 128 + the signal (130, 143, 129).
. "$here/../vm/framing.sh"
. "$here/../vm/emulator.sh"
emulator_traps Bochs
# Bochs reads its debugger commands from the rc file, then stdin: none.
timeout -k 5 "$limit" bochs -q -f "$work/bochsrc" -rc "$work/bochs.rc" \
	</dev/null >"$work/bochs.out" 2>&1 &
bochs=$! emulator=$!
# The suite's end marker is all a run needs; a panic will not end by
# itself (panic=0).  DESCTEST- lines are whole lines (framing.sh).
booted=
while kill -0 "$bochs" 2>/dev/null; do
	if [ -z "$booted" ] && desctest_has_frame MACHINE "$log"; then
		booted=$(( ($(date +%s%N) - start) / 1000000000 ))
	fi
	if desctest_has_frame DONE "$log" || grep -q 'Kernel panic' "$log"; then
		sleep 2
		kill "$bochs" 2>/dev/null
		break
	fi
	sleep 1
done
wait "$bochs"
rc=$?
emulator=
ms=$(( ($(date +%s%N) - start) / 1000000 ))
secs=$((ms / 1000)).$(( ms % 1000 / 100 ))
touch "$log"

. "$here/../vm/boot-verdict.sh"
boot_verdict "$log" "$rc" "$secs" Bochs BOCHS_TIMEOUT "$limit" \
	" (/init after ${booted:-?} s)" && exit 0
echo "---- Bochs's last words ($bxlog, $work/bochs.out) ----"
{ tail -n 5 "$bxlog" 2>/dev/null; grep -v '^ALSA' "$work/bochs.out" | tail -n 5; } | tr -d '\r'
boot_console_tail "$log"
exit 1
