# SPDX-License-Identifier: GPL-2.0-only
#
# tests/install: the installed tree (make install) under upstream's
# run_kselftest.sh, here and in Debian's 6.12 kernel booted under QEMU
# with ia32_emulation=0, where host:umip_32 must SKIP (exit 4).

INSTALL_E2E ?= $(BUILD_ROOT)/install-e2e
DEPS_PKGS += qemu-system-x86 busybox-static cpio gcc-multilib

.PHONY: install_tests
CHECK_TARGETS += install_tests
#> install_tests    the installed tree under run_kselftest.sh, with and without IA-32 emulation
install_tests: deps all
	$(Q)rel=$$($(TOP)/tests/vm/fetch-kernel.sh 6.12 $(BUILD_ROOT)/vm/kernels) || exit 1; \
	$(TOP)/tests/install/e2e.sh $(TOP) $(INSTALL_E2E) \
		$(BUILD_ROOT)/vm/kernels/$$rel/root/boot/vmlinuz-$$rel
