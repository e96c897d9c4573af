#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The first lines of a test's own /init in a busybox initramfs (make
# install_tests, make lava_check): the shell's applets, the pseudo file
# systems, and everything on the console.  The test's own lines follow.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
exec </dev/null >/dev/console 2>&1
