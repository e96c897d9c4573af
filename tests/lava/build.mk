# SPDX-License-Identifier: GPL-2.0-only
#
# LAVA: the kselftest tarball, the test definition (lava/) and their tests.
#
#   make gen_tar       $(OUTPUT)/desctest.tar.xz: the make install tree
#                      (run_kselftest.sh, kselftest-list.txt, settings,
#                      the programs and their data) plus desctest-lava.sh
#   make lava_check    lava/desctest.yaml's steps in Debian's 6.12 kernel
#                      under QEMU with a recording lava-test-case, and
#                      import-lava on recorded logs (part of make check)

GEN_TAR ?= $(OUTPUT)/desctest.tar.xz
GEN_TAR_DIR := $(OUTPUT)/gen_tar
LAVA_WORK ?= $(OUTPUT)/lava-check
DEPS_PKGS += qemu-system-x86 busybox-static cpio xz-utils python3-yaml

.PHONY: gen_tar lava_check

#> gen_tar          the installed tree packed as OUTPUT/desctest.tar.xz (a LAVA or lab tarball)
gen_tar: all $(KSRC_STAMP)
	$(Q)rm -rf $(GEN_TAR_DIR)
	$(Q)$(MAKE) --no-print-directory install INSTALL_PATH=$(GEN_TAR_DIR) >/dev/null
	$(Q)install -m 0755 $(TOP)/lava/desctest-lava.sh $(GEN_TAR_DIR)/
	$(Q)tar -C $(GEN_TAR_DIR) --owner=0 --group=0 --sort=name -cJf $(GEN_TAR).tmp . && \
		mv -f $(GEN_TAR).tmp $(GEN_TAR)
	@echo "desctest: $(GEN_TAR) ($$(tar -tJf $(GEN_TAR) | grep -vc '/$$') files)"

CHECK_TARGETS += lava_check
#> lava_check       the LAVA test definition in a QEMU guest, and import-lava on recorded logs
lava_check: deps gen_tar
	$(Q)rel=$$($(TOP)/tests/vm/fetch-kernel.sh 6.12 $(BUILD_ROOT)/vm/kernels) || exit 1; \
	$(TOP)/tests/lava/guest-steps.sh $(TOP) $(LAVA_WORK) $(GEN_TAR) \
		$(BUILD_ROOT)/vm/kernels/$$rel/root/boot/vmlinuz-$$rel
	$(Q)cd $(TOP)/tests/lava && $(PYTHON) -m pytest -q -p no:cacheprovider test_import_lava.py
