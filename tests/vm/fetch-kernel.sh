#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# fetch-kernel.sh SERIES CACHE
#
# Fetch Debian's kernel image, headers, common headers and kbuild packages
# for SERIES (6.12, 6.1, or 6.12-cloud: the cloud flavour, which Bochs
# boots for make bochs_tests) with `apt-get download` and unpack them with
# `dpkg-deb -x` under CACHE/<release>/root.  Installing linux-headers-*
# would pull in the image and run update-initramfs for a minute; a private
# prefix is quicker and leaves the host alone.  A finished tree is marked
# by CACHE/<release>/.unpacked and reused.  Prints the kernel release.
set -euo pipefail

series=${1:?usage: fetch-kernel.sh SERIES CACHE}
cache=$(realpath -m "${2:?usage: fetch-kernel.sh SERIES CACHE}")

case $series in
6.1) meta=linux-image-amd64 ;;
6.12) meta=linux-image-6.12-amd64 ;;
6.12-cloud) meta=linux-image-6.12-cloud-amd64 ;;
*) echo "fetch-kernel.sh: unknown Debian kernel series '$series': use 6.12, 6.12-cloud or 6.1, or KERNEL=/path/to/bzImage" >&2
   exit 2 ;;
esac

deps_of() {
	apt-cache depends "$1" 2>/dev/null | sed -n 's/^ *Depends: //p'
}

image=$(deps_of "$meta" | grep '^linux-image-' | head -n1 || true)
if [ -z "$image" ] && [ "$(id -u)" -eq 0 ]; then
	# A fresh machine may have no package lists yet.
	apt-get update -q >/dev/null 2>&1 || true
	image=$(deps_of "$meta" | grep '^linux-image-' | head -n1 || true)
fi
if [ -z "$image" ]; then
	echo "fetch-kernel.sh: apt does not know $meta: run 'apt-get update' (bookworm and bookworm-security must be in sources.list)" >&2
	exit 1
fi
release=${image#linux-image-}
dir=$cache/$release
if [ -e "$dir/.unpacked" ]; then
	echo "$release"
	exit 0
fi

headers=linux-headers-$release
pkgs="$image $headers"
for d in $(deps_of "$headers"); do
	case $d in
	linux-headers-*-common|linux-kbuild-*) pkgs="$pkgs $d" ;;
	esac
done

rm -rf "$dir"
mkdir -p "$dir/debs"
echo "fetch-kernel.sh: downloading $pkgs" >&2
(cd "$dir/debs" && apt-get download -q=2 -o APT::Sandbox::User=root $pkgs >&2)
for deb in "$dir"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dir/root"
done

# The arch headers' Makefile includes the common headers by absolute path
# (/usr/src/linux-headers-<ver>-common/Makefile): point it into the prefix.
build=$dir/root/usr/src/linux-headers-$release
if [ -f "$build/Makefile" ]; then
	sed -i "s|/usr/src/|$dir/root/usr/src/|g" "$build/Makefile"
fi
# kbuild's scripts are symlinks to /usr/lib/linux-kbuild-<ver>: retarget them.
find "$build" -maxdepth 2 -type l | while read -r l; do
	t=$(readlink "$l")
	case $t in
	/usr/*) ln -sfn "$dir/root$t" "$l" ;;
	esac
done
touch "$dir/.unpacked"
echo "$release"
