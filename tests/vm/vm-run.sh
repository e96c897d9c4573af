#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vm-run.sh: one kernel, one boot.  Called by `make vm_tests`.
#
#   vm-run.sh --kernel IMAGE --output OUTPUT --work DIR --label LABEL
#             [--modroot DIR] [--release REL] [--kdir KDIR]
#             [--results DIR --ksrc KSRC --top TOP --python PY]
#             [--boot SCRIPT --emulator NAME]
#
# Builds the desctest_tss module against KDIR (when given), the initramfs
# from OUTPUT's programs and MODROOT's kvm modules, boots IMAGE under QEMU
# TCG (or with SCRIPT, called as boot.sh is: KERNEL INITRD CONSOLE.log;
# tests/bochs/boot.sh boots Bochs), prints a summary of the console log
# and files it with the runner's import-console.  Exit 1 when the boot did not complete or a program
# failed; the console log (DIR/console.log) is kept either way.
set -uo pipefail

here=$(dirname "$(readlink -f "$0")")
kernel= output= work= label= modroot= release= kdir= results= ksrc= top= python=
boot= emulator="QEMU TCG"
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2 ;; --output) output=$2 ;; --work) work=$2 ;;
	--label) label=$2 ;; --modroot) modroot=$2 ;; --release) release=$2 ;;
	--kdir) kdir=$2 ;; --results) results=$2 ;; --ksrc) ksrc=$2 ;;
	--top) top=$2 ;; --python) python=$2 ;;
	--boot) boot=$2 ;; --emulator) emulator=$2 ;;
	*) echo "vm-run.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift 2
done
die() { echo "vm-run.sh: $*" >&2; exit 1; }
[ -f "$kernel" ] || die "KERNEL=$kernel: no such file: point KERNEL at a bzImage (arch/x86/boot/bzImage of a kernel build)"

# The release: given, else from the one lib/modules/<release> under
# MODROOT, else from the version string in the image.
if [ -z "$release" ] && [ -n "$modroot" ]; then
	release=$(ls "$modroot/lib/modules" 2>/dev/null | head -n 1)
fi
if [ -z "$release" ]; then
	release=$(file -bL "$kernel" | sed -n 's/.*version \([^ ,]*\).*/\1/p')
fi
[ -n "$release" ] || die "cannot tell the kernel release of $kernel: pass MODULES= (the INSTALL_MOD_PATH of 'make modules_install')"
mkdir -p "$work"
log=$work/console.log

ko=
if [ -n "$kdir" ]; then
	if "$here/../module/build-ko.sh" "$kdir" "$work/module" "$here/../../include"; then
		ko=$work/module/desctest_tss.ko
	else
		echo "vm-run.sh: the desctest_tss module did not build against $kdir: its test will SKIP" >&2
	fi
else
	echo "vm-run.sh: no kernel build tree for $release (KDIR=): the desctest_tss module test will SKIP" >&2
fi
[ -n "$modroot" ] && [ ! -d "$modroot/lib/modules/$release" ] &&
	echo "vm-run.sh: $modroot/lib/modules/$release missing: no kvm modules, the KVM tests will SKIP" >&2
"$here/mkinitramfs.sh" "$work/initramfs.cpio" "$output" "$here/../../configs/settings" \
	"${modroot:-/nonexistent}" "$release" $ko || exit 1

echo "vm-run.sh: booting $release ($kernel) under $emulator, $(grep -c . "$work/initramfs.cpio.list") programs"
"${boot:-$here/boot.sh}" "$kernel" "$work/initramfs.cpio" "$log"
boot_rc=$?

# Summary from the console, runner or not.
sed 's/\r$//' "$log" >"$work/console.txt"
awk -v label="$label" '
/^DESCTEST-MACHINE/ { sub(/^DESCTEST-MACHINE /, ""); print "  " label ": " $0 }
/^DESCTEST-INFO kvm=/ { print "  " label ": " substr($0, 15) }
/^DESCTEST-END/ { printf "  %-8s %s %s %s\n", label, $2, $3, $4 }
/^# cpu[0-9]+ TR 0x[0-9a-f]+ descriptor / { print "  " label ": " $2 " TSS base " $NF }
/pre-fix expression wrong on/ { sub(/^# /, ""); print "  " label ": desctest_tss: " $0 }
/ # XFAIL pre-fix expression sign-extends/ { sub(/^.*sign-extends base2 on /, ""); print "  " label ":   " $0 }
' "$work/console.txt"
prog_rc=0
if grep -Eq '^DESCTEST-END .* rc=(1|3|[5-9]|[0-9][0-9]+) ' "$work/console.txt"; then
	prog_rc=1
fi

import_rc=0
if [ -n "$results" ]; then
	if [ -f "$top/runner/desctest_runner/__main__.py" ]; then
		PYTHONPATH=$top/runner "$python" -m desctest_runner import-console \
			--results "$results" --label "$label" ${ksrc:+--ksrc "$ksrc"} "$log"
		import_rc=$?
	else
		echo "vm-run.sh: runner not present ($top/runner): console kept in $log, not filed under $results"
	fi
fi
[ $boot_rc -eq 0 ] && [ $prog_rc -eq 0 ] && [ $import_rc -eq 0 ]
