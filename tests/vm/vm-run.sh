#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vm-run.sh: one kernel, one boot.  Called by `make vm_tests`.
#
#   vm-run.sh --kernel IMAGE --output OUTPUT --work DIR --label LABEL
#             [--modroot DIR] [--release REL] [--kdir KDIR]
#             [--results DIR --ksrc KSRC --top TOP [--python PY] [--bisect]]
#             [--boot SCRIPT --emulator NAME]
#
# Builds the desctest_tss module against KDIR (when given), the initramfs
# from OUTPUT's programs and MODROOT's kvm modules, boots IMAGE under QEMU
# TCG (or with SCRIPT, called as boot.sh is: KERNEL INITRD CONSOLE.log;
# tests/bochs/boot.sh boots Bochs), prints a summary of the console log
# and files it with the runner (TOP/desctest import-console; PY, when
# given, is its interpreter; --bisect passes --bisect on, so that the run
# it files says 0 good, 1 bad or 125 untestable).  Exit 1 when the boot
# did not complete or a program failed; the console log (DIR/console.log)
# is kept either way.  The console files of an earlier boot in DIR are
# removed first, so DIR/console.log exists only when this boot wrote it.
#
# VM_ONLY and VM_EXCLUDE (globs, blank-separated) pick the programs of
# OUTPUT/kselftest-list.txt the guest runs by the rule of the runner's
# --filter (runner/desctest_runner/selection.py): a glob names a program
# by collection:test or by its path under OUTPUT, so 'host:umip' and
# 'host/umip' are the same program.  Globs that leave no program are an
# error (exit 1), not an empty boot.
#
# SIGINT, SIGTERM, SIGHUP: the step under way (module build, initramfs,
# boot: its emulator with it) is stopped with SIGTERM and waited for,
# then the script exits 130, 143 or 129.
set -uo pipefail

here=$(dirname "$(readlink -f "$0")")
kernel= output= work= label= modroot= release= kdir= results= ksrc= top= python=
boot= emulator="QEMU TCG" bisect=
while [ $# -gt 0 ]; do
	case $1 in
	--bisect) bisect=--bisect; shift; continue ;;
	esac
	[ $# -ge 2 ] || { echo "vm-run.sh: $1 needs a value" >&2; exit 2; }
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
. "$here/framing.sh"

# A signal stops the step under way with all it started (children.sh).
. "$here/children.sh"
children_traps vm-run.sh

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
mkdir -p "$work" || die "cannot create the work directory $work"
log=$work/console.log
# Nothing of an earlier boot may pass for this one's.
rm -f "$log" "$work/console.txt" "$work/initramfs.cpio" "$work/initramfs.cpio.list"

# VM_ONLY / VM_EXCLUDE by the runner's rule, handed to mkinitramfs.sh as
# the exact names chosen (its globs match only themselves once escaped).
if [ -n "${VM_ONLY:-}" ] || [ -n "${VM_EXCLUDE:-}" ]; then
	[ -f "$output/kselftest-list.txt" ] ||
		die "$output/kselftest-list.txt missing: run 'make OUTPUT=$output all' first"
	py=$python
	if [ -z "$py" ]; then
		for py in /usr/bin/python3 python3; do
			command -v "$py" >/dev/null && break
		done
	fi
	sel_args=()
	set -f
	for g in ${VM_EXCLUDE:-}; do sel_args+=(--exclude "$g"); done
	sel_args+=(--)
	for g in ${VM_ONLY:-}; do sel_args+=("$g"); done
	set +f
	chosen=$(PYTHONPATH=$here/../../runner "$py" -m desctest_runner.selection \
		"${sel_args[@]}" <"$output/kselftest-list.txt") ||
		die "VM_ONLY='${VM_ONLY:-}' VM_EXCLUDE='${VM_EXCLUDE:-}' leave no program of $output/kselftest-list.txt to run in the guest"
	VM_ONLY=$(sed 's/[][\\*?]/\\&/g' <<<"$chosen" | tr '\n' ' ')
	VM_EXCLUDE=
	export VM_ONLY VM_EXCLUDE
fi

ko=
if [ -n "$kdir" ]; then
	if run "$here/../module/build-ko.sh" "$kdir" "$work/module" "$here/../../include"; then
		ko=$work/module/desctest_tss.ko
	else
		echo "vm-run.sh: the desctest_tss module did not build against $kdir: its test will SKIP" >&2
	fi
else
	echo "vm-run.sh: no kernel build tree for $release (KDIR=): the desctest_tss module test will SKIP" >&2
fi
[ -n "$modroot" ] && [ ! -d "$modroot/lib/modules/$release" ] &&
	echo "vm-run.sh: $modroot/lib/modules/$release missing: no kvm modules, the KVM tests will SKIP" >&2
run "$here/mkinitramfs.sh" "$work/initramfs.cpio" "$output" "$here/../../configs/settings" \
	"${modroot:-/nonexistent}" "$release" $ko || exit 1

echo "vm-run.sh: booting $release ($kernel) under $emulator, $(grep -c . "$work/initramfs.cpio.list") programs"
run "${boot:-$here/boot.sh}" "$kernel" "$work/initramfs.cpio" "$log"
boot_rc=$?
[ -f "$log" ] || die "the boot wrote no console log ($log)"

# Summary from the console, runner or not; DESCTEST- lines are whole
# lines (framing.sh).
desctest_console_lines "$log" >"$work/console.txt"
LC_ALL=C awk -v label="$label" -v machine="$(desctest_frame_re MACHINE)" \
	-v info="$(desctest_frame_re INFO)" -v end="$(desctest_frame_re END)" '
$0 ~ machine { sub(/^DESCTEST-MACHINE /, ""); print "  " label ": " $0 }
$0 ~ info && /^DESCTEST-INFO kvm=/ { print "  " label ": " substr($0, 15) }
$0 ~ end { printf "  %-8s %s %s %s\n", label, $2, $3, $4 }
/^# cpu[0-9]+ TR 0x[0-9a-f]+ descriptor / { print "  " label ": " $2 " TSS base " $NF }
/pre-fix expression wrong on/ { sub(/^# /, ""); print "  " label ": desctest_tss: " $0 }
/^# cpu[0-9]+ pre-fix get_desc64_base\(\) would decode/ { sub(/^# /, ""); print "  " label ":   " $0 }
' "$work/console.txt"
prog_rc=0
if desctest_frames END "$work/console.txt" | grep -E >/dev/null ' rc=(1|3|[5-9]|[0-9][0-9]+)( |$)'; then
	prog_rc=1
fi

import_rc=0
if [ -n "$results" ]; then
	if [ -x "$top/desctest" ]; then
		if [ -n "$python" ]; then
			run env PYTHON="$python" "$top/desctest" import-console $bisect \
				--results "$results" --label "$label" ${ksrc:+--ksrc "$ksrc"} "$log"
		else
			run "$top/desctest" import-console $bisect \
				--results "$results" --label "$label" ${ksrc:+--ksrc "$ksrc"} "$log"
		fi
		import_rc=$?
	else
		echo "vm-run.sh: runner not present ($top/desctest): console kept in $log, not filed under $results"
	fi
fi
[ $boot_rc -eq 0 ] && [ $prog_rc -eq 0 ] && [ $import_rc -eq 0 ]
