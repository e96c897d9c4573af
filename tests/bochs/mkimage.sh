#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mkimage.sh IMAGE KERNEL INITRD APPEND
#
# A hard-disk image Bochs boots: one FAT file system over the whole disk
# (no partition table) holding KERNEL, INITRD and syslinux, which loads
# them with the command line APPEND.  Bochs has no direct kernel boot
# (QEMU's -kernel), so its BIOS boots this disk and syslinux does the
# rest.  The size is a whole number of cylinders of 16 heads x 63 sectors,
# the geometry boot.sh hands to Bochs; the cylinder count is printed.
set -euo pipefail

image=${1:?usage: mkimage.sh IMAGE KERNEL INITRD APPEND}
kernel=${2:?}
initrd=${3:?}
append=${4:?}

for tool in mkfs.fat syslinux mcopy; do
	command -v "$tool" >/dev/null || {
		echo "mkimage.sh: $tool not found: apt-get install dosfstools syslinux syslinux-common mtools" >&2
		exit 1
	}
done

cyl_bytes=$((16 * 63 * 512))
# The two files, 4 MiB for the file system and syslinux, rounded up.
need=$(( $(stat -Lc %s "$kernel") + $(stat -Lc %s "$initrd") + 4 * 1024 * 1024 ))
cyls=$(( (need + cyl_bytes - 1) / cyl_bytes ))

rm -f "$image.tmp"
truncate -s $((cyls * cyl_bytes)) "$image.tmp"
# The disk is booted as a hard disk: sectors per track and heads as Bochs
# is told, no hidden sectors (the file system starts at sector 0).
mkfs.fat -h 0 -S 512 -n DESCTEST "$image.tmp" >/dev/null
syslinux --install "$image.tmp"
cat >"$image.cfg" <<CFG
DEFAULT desctest
PROMPT 0
TIMEOUT 0
LABEL desctest
  KERNEL vmlinuz
  INITRD initrd
  APPEND $append
CFG
export MTOOLS_SKIP_CHECK=1
mcopy -i "$image.tmp" "$image.cfg" ::syslinux.cfg
mcopy -i "$image.tmp" "$kernel" ::vmlinuz
mcopy -i "$image.tmp" "$initrd" ::initrd
rm -f "$image.cfg"
mv -f "$image.tmp" "$image"
echo "$cyls"
