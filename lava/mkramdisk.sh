#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mkramdisk.sh OUT.cpio.gz TREE
#
# The ramdisk of lava/jobs/qemu-x86_64.yaml.in: busybox (Debian's
# busybox-static), the shared libraries the programs of TREE (an unpacked
# desctest.tar.xz or make install tree) need, and an /init that mounts
# the pseudo file systems and runs a shell on the console with the prompt
# "desctest-ramdisk# ", the prompt the job waits for.  The tree itself is
# not in it: LAVA lays desctest.tar.xz over it (the job's overlays).
set -euo pipefail
out=${1:?usage: mkramdisk.sh OUT.cpio.gz TREE}
tree=${2:?usage: mkramdisk.sh OUT.cpio.gz TREE}
[ -d "$tree" ] || { echo "mkramdisk.sh: $tree: no such directory (make gen_tar unpacks one)" >&2; exit 2; }
bb=$(command -v busybox) || { echo "mkramdisk.sh: no busybox: apt-get install busybox-static" >&2; exit 2; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,proc,sys,dev,tmp,opt,root,etc}
cp "$bb" "$root/bin/busybox"
{ find "$tree" -type f -perm -u+x -print0 | xargs -0 ldd 2>/dev/null || true; } |
	awk '/\(0x/ { for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' | sort -u |
	while read -r lib; do
		mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
	done
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin HOME=/root PS1='desctest-ramdisk# '
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
for fd in 0:stdin 1:stdout 2:stderr; do
	[ -e "/dev/${fd#*:}" ] || ln -s "/proc/self/fd/${fd%%:*}" "/dev/${fd#*:}"
done
echo "desctest ramdisk: $(uname -r), a shell on the console"
while true; do
	setsid cttyhack sh -i
done
INIT
chmod 0755 "$root/init"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet --owner=0:0) | gzip -9n >"$out.tmp"
mv -f "$out.tmp" "$out"
