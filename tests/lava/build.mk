# SPDX-License-Identifier: GPL-2.0-only
#
# LAVA: the kselftest tarball, the test definition (lava/) and their tests.
#
#   make gen_tar       $(OUTPUT)/desctest.tar.xz: the make install tree
#                      (run_kselftest.sh, kselftest-list.txt, settings,
#                      the programs and their data) plus desctest-lava.sh
#   make lava_ramdisk  $(OUTPUT)/lava-ramdisk.cpio.gz, the QEMU job's
#                      busybox ramdisk (lava/mkramdisk.sh)
#   make lava_check    every job ./desctest lava-job renders against LAVA's
#                      schema; lava/desctest.yaml's steps in Debian's 6.12
#                      kernel under QEMU with a recording lava-test-case;
#                      import-lava on recorded logs; every SKIP reason in
#                      the sources a constant (part of make check)
#   make lava_tests    lava-run of the QEMU job, where lava-dispatcher is
#                      installed (not part of make check)

GEN_TAR ?= $(OUTPUT)/desctest.tar.xz
GEN_TAR_DIR := $(OUTPUT)/gen_tar
LAVA_RAMDISK ?= $(OUTPUT)/lava-ramdisk.cpio.gz
LAVA_WORK ?= $(OUTPUT)/lava-check
DEPS_PKGS += qemu-system-x86 busybox-static cpio xz-utils gzip python3-yaml lava-common
LAVA_KERNEL = $(BUILD_ROOT)/vm/kernels/$(1)/root/boot/vmlinuz-$(1)

.PHONY: gen_tar lava_ramdisk lava_check lava_tests

#> gen_tar          the installed tree packed as OUTPUT/desctest.tar.xz (a LAVA or lab tarball)
gen_tar: all $(KSRC_STAMP)
	$(Q)rm -rf $(GEN_TAR_DIR)
	$(Q)$(MAKE) --no-print-directory install INSTALL_PATH=$(GEN_TAR_DIR) >/dev/null
	$(Q)install -m 0755 $(TOP)/lava/desctest-lava.sh $(GEN_TAR_DIR)/
	$(Q)tar -C $(GEN_TAR_DIR) --owner=0 --group=0 --sort=name -cJf $(GEN_TAR).tmp . && \
		mv -f $(GEN_TAR).tmp $(GEN_TAR)
	@echo "desctest: $(GEN_TAR) ($$(tar -tJf $(GEN_TAR) | grep -vc '/$$') files)"

#> lava_ramdisk     OUTPUT/lava-ramdisk.cpio.gz, the busybox ramdisk of the QEMU LAVA job
lava_ramdisk: gen_tar
	$(Q)$(TOP)/lava/mkramdisk.sh $(LAVA_RAMDISK) $(GEN_TAR_DIR)
	@echo "desctest: $(LAVA_RAMDISK)"

CHECK_TARGETS += lava_check
#> lava_check       LAVA jobs against LAVA's schema, the definition in a QEMU guest, import-lava
lava_check: deps lava_ramdisk
	$(Q)rel=$$($(TOP)/tests/vm/fetch-kernel.sh 6.12 $(BUILD_ROOT)/vm/kernels) || exit 1; \
	kernel=$(call LAVA_KERNEL,$$rel); \
	$(PYTHON) $(TOP)/tests/lava/validate-jobs.py $(TOP) $$kernel $(LAVA_RAMDISK) $(GEN_TAR) && \
	$(TOP)/tests/lava/guest-steps.sh $(TOP) $(LAVA_WORK) $(GEN_TAR) $$kernel
	$(Q)cd $(TOP)/tests/lava && $(PYTHON) -m pytest -q -p no:cacheprovider test_import_lava.py test_skip_lines.py

#> lava_tests       a real lava-run of the QEMU job (needs lava-dispatcher)
lava_tests: deps lava_ramdisk
	$(Q)rel=$$($(TOP)/tests/vm/fetch-kernel.sh 6.12 $(BUILD_ROOT)/vm/kernels) || exit 1; \
	$(TOP)/tests/lava/lava-run.sh $(TOP) $(OUTPUT)/lava-run $(call LAVA_KERNEL,$$rel) \
		$(LAVA_RAMDISK) $(GEN_TAR)
