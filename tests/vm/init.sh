#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the desctest initramfs: mount the pseudo file systems, load the
# KVM modules, run every program in /desctest/vm-list.txt and frame its
# output for the runner's import-console:
#   DESCTEST-MACHINE kernel=<release> cpu=<model name>
#   DESCTEST-INFO key=value              (before the first BEGIN)
#   DESCTEST-BEGIN <collection>:<test>
#   ... the program's stdout and stderr ...
#   DESCTEST-END <collection>:<test> rc=<exit> ms=<duration>
#   DESCTEST-DONE
# then power off.  Everything goes to the serial console.

/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
exec </dev/null >/dev/console 2>&1

# From here on the console shows kernel warnings too (console level 5:
# KERN_WARNING and the default level of WARN/BUG/soft-lockup traces), so
# a splat lands inside the framed output of the program that caused it;
# the boot itself stays quiet (loglevel=4).  A higher level asked for on
# the command line is kept.
read -r level _ </proc/sys/kernel/printk
[ "$level" -ge 5 ] || echo 5 >/proc/sys/kernel/printk

# Milliseconds since boot (/proc/uptime counts hundredths of a second).
# Leading zeros are stripped: shell arithmetic reads "08" as bad octal.
now_ms() {
	read -r up _ </proc/uptime
	cs=${up%.*}${up#*.}
	while [ "${#cs}" -gt 1 ] && [ "${cs#0}" != "$cs" ]; do
		cs=${cs#0}
	done
	echo $((cs * 10))
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "DESCTEST-MACHINE kernel=$(uname -r) cpu=$cpu"
echo "DESCTEST-INFO cpus=$(grep -c '^processor' /proc/cpuinfo)"
echo "DESCTEST-INFO cmdline=$(cat /proc/cmdline)"

# KVM: the modules from the kernel's own package, in dependency order.
if [ -s /kmod/order ]; then
	while read -r ko params; do
		[ -n "$ko" ] || continue
		# shellcheck disable=SC2086
		insmod "/kmod/$ko" $params || echo "# insmod $ko $params failed"
	done </kmod/order
fi
if [ -c /dev/kvm ]; then
	# Named by the programs' own rule (lib/kvm/kvm_flavour.c).
	kvm=$(/bin/kvm-flavour) || kvm="unknown (kvm-flavour failed)"
	echo "DESCTEST-INFO kvm=$kvm"
	if [ "$kvm" = kvm_intel ]; then
		echo "DESCTEST-INFO kvm_intel.nested=$(cat /sys/module/kvm_intel/parameters/nested)"
	fi
else
	echo "DESCTEST-INFO kvm=none"
fi

for p in $(cat /desctest/excluded); do
	echo "DESCTEST-INFO vm_excluded=$p"
done

# Programs given arguments (a third field in vm-list.txt) say so.
while read -r prog limit args; do
	[ -z "$args" ] || echo "DESCTEST-INFO args.$prog=$args"
done </desctest/vm-list.txt

cd /desctest
while read -r prog limit args; do
	[ -n "$prog" ] || continue
	echo "DESCTEST-BEGIN $prog"
	start=$(now_ms)
	# As run_kselftest.sh does: from the collection's directory.
	# shellcheck disable=SC2086
	(cd "/desctest/${prog%%:*}" && exec timeout -s KILL "$limit" "./${prog#*:}" $args </dev/null 2>&1)
	rc=$?
	end=$(now_ms)
	echo "DESCTEST-END $prog rc=$rc ms=$((end - start))"
done </desctest/vm-list.txt
echo "DESCTEST-DONE"
sync
# What the programs wrote may still sit in the serial port's buffer: on a
# slow emulator (Bochs) powering off at once lost the last program's
# output and the DONE line.  The host stops the machine when it sees DONE.
sleep 2
poweroff -f
